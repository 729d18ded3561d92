package dev.jfaas.gateway.upstream;

import dev.jfaas.invoke.Body;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;

/**
 * A call's way out to its replica: the head as the replica gets it (its Host, no Expect), then the
 * body, whole in one write when it is all here, else streamed with back-pressure, paused while the
 * connection is not writable and flushed once per turn of the loop. An instance exists only for a
 * streamed body: a body that is all here leaves nothing to keep.
 */
final class RequestWriter {

    private final Channel channel;
    private final Runnable sent;
    private final Runnable broke;
    private ReadStream<Buffer> body;
    private boolean flushScheduled;

    private RequestWriter(Channel channel, ReadStream<Buffer> body, Runnable sent, Runnable broke) {
        this.channel = channel;
        this.body = body;
        this.sent = sent;
        this.broke = broke;
    }

    /**
     * Writes {@code request}'s head to {@code channel}, and its body when that is all here: null then,
     * else the body still to send ({@link #stream}).
     */
    static ReadStream<Buffer> write(Channel channel, UpstreamRequest request) {
        var message = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method().name()),
                request.uri(), nettyHeaders(request.headers()));
        var outgoing = message.headers();
        outgoing.set(HttpHeaderNames.HOST, request.host());
        // The gateway answered the caller's Expect itself; the body follows the head regardless.
        outgoing.remove(HttpHeaderNames.EXPECT);
        switch (request.body()) {
            case Body.Empty e -> {
                channel.write(message);
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return null;
            }
            case Body.Bytes b -> {
                outgoing.remove(HttpHeaderNames.TRANSFER_ENCODING);
                if (!declaresOnly(outgoing, b.buffer().length())) {
                    HttpUtil.setContentLength(message, b.buffer().length());
                }
                channel.write(message);
                // A duplicate with its own count: a retried call sends the same buffer again. No
                // trailers: the shared empty map, not a map made per call only to stay empty.
                channel.writeAndFlush(new DefaultLastHttpContent(((BufferInternal) b.buffer()).getByteBuf().retainedDuplicate(),
                        EmptyHttpHeaders.INSTANCE));
                return null;
            }
            case Body.Stream s -> {
                if (!outgoing.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                    HttpUtil.setTransferEncodingChunked(message, true);
                }
                channel.write(message);
                return s.stream();
            }
        }
    }

    /**
     * The writer of a body that follows its head: {@code sent} runs on the channel's loop once all of
     * it has gone, {@code broke} if the caller's side of it fails. Call {@link #start()} once the
     * writer is kept where the exchange can detach it.
     */
    static RequestWriter stream(Channel channel, ReadStream<Buffer> body, Runnable sent, Runnable broke) {
        return new RequestWriter(channel, body, sent, broke);
    }

    void start() {
        var stream = body;
        if (stream == null) {
            return; // detached before it started
        }
        stream.exceptionHandler(failure -> broke.run());
        stream.endHandler(v -> LoopPool.onLoop(channel.eventLoop(), () -> {
            if (body == stream) {
                body = null;
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                sent.run();
            }
        }));
        stream.handler(chunk -> {
            channel.write(new DefaultHttpContent(((BufferInternal) chunk).getByteBuf().retainedDuplicate()));
            if (!channel.isWritable()) {
                // Paused before the flush: a flush that drains at once resumes it from within.
                stream.pause(); // until the replica takes what is queued: see writable()
                channel.flush();
            } else {
                scheduleFlush();
            }
        });
        stream.resume();
    }

    /** One flush for all the chunks that arrive in one turn of the loop, not one per chunk. */
    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(() -> {
                flushScheduled = false;
                channel.flush();
            });
        }
    }

    /** The replica took what was queued: the body may flow again. */
    void writable() {
        var stream = body;
        if (stream != null) {
            stream.resume();
        }
    }

    /** The exchange is over: what is left of the caller's body is read and dropped, not sent. */
    void detach() {
        var stream = body;
        body = null;
        if (stream != null) {
            // Left flowing without a handler.
            try {
                stream.handler(null);
                stream.endHandler(null);
                stream.resume();
            } catch (IllegalStateException alreadyOver) {
                // a request that has been read to its end or failed holds nothing to drain
            }
        }
    }

    /**
     * Whether the headers give this length already, and only it: a body read whole keeps the
     * caller's own Content-Length, which need not be made again as text and stored in a new entry.
     * A second value (calls from a broker carry headers as sent) is replaced with the one true one,
     * or a replica reading the last would take the rest of the body for a request of its own.
     */
    static boolean declaresOnly(HttpHeaders headers, int length) {
        var declared = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared == null || declared.isEmpty() || declared.length() > 10) {
            return false;
        }
        long value = 0;
        for (int i = 0; i < declared.length(); i++) {
            char c = declared.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return value == length && headers.getAll(HttpHeaderNames.CONTENT_LENGTH).size() == 1;
    }

    private static HttpHeaders nettyHeaders(MultiMap headers) {
        if (headers instanceof HttpHeaders netty) {
            return netty;
        }
        var copy = new DefaultHttpHeaders();
        for (var header : headers) {
            copy.add(header.getKey(), header.getValue());
        }
        return copy;
    }
}
