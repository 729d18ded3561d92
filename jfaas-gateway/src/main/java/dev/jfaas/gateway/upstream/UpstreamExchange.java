package dev.jfaas.gateway.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.impl.headers.HeadersAdaptor;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call to a replica: has its request written ({@link RequestWriter}), completes
 * {@link #head()} with the response's status and headers, and is itself the response body's
 * stream. A small answer of known length ({@value #WHOLE_LIMIT} bytes at most) is held until it is
 * all in and then handed over whole ({@link #wholeBody()}): most answers arrive in one read, and
 * one buffer is answered in one write, without a stream, a pipe and their futures per call.
 * {@link #end()} completes when the exchange is over, either way. Its state is touched only on its
 * event loop; what another thread asks of it is passed to that loop.
 */
public final class UpstreamExchange implements ReadStream<Buffer> {

    private static final Logger log = LoggerFactory.getLogger(UpstreamExchange.class);

    /**
     * The longest answer held whole; longer ones, and those of unknown length, stream as they come.
     * Small, as held answers add up: thousands of calls in flight each hold one until it is written.
     */
    static final int WHOLE_LIMIT = 8 * 1024;

    private final ContextInternal context;
    private final UpstreamRequest request;
    /** Within which the exchange must be over, or 0 for no limit. */
    private final long timeoutNanos;
    private ExchangeTimeouts.Entry deadline;
    private boolean timedOut;
    private final Promise<UpstreamExchange> head;
    private final Promise<Void> end;
    /** Run once the exchange is over, either way; null when no one asked. */
    private Runnable whenOver;
    private final ArrayDeque<Buffer> pending = new ArrayDeque<>(2);
    private UpstreamConnection connection;
    private Channel connecting;
    /** Writes the request's streamed body while it flows; null once it has gone, or when there was none to stream. */
    private RequestWriter writer;
    private boolean requestWritten;
    private boolean informational;
    private boolean reset;
    private boolean over;
    private boolean ended;
    private boolean endDelivered;
    private boolean keepAlive;
    private boolean whole;
    private Buffer wholeBody;
    private int status;
    private MultiMap headers;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private long demand = Long.MAX_VALUE;

    UpstreamExchange(ContextInternal context, UpstreamRequest request, long timeoutNanos, Runnable whenOver) {
        this.context = context;
        this.request = request;
        this.timeoutNanos = timeoutNanos;
        this.whenOver = whenOver;
        this.head = context.promise();
        this.end = context.promise();
    }

    UpstreamRequest request() {
        return request;
    }

    /** Completes with this exchange once the response's status and headers are in. */
    public Future<UpstreamExchange> head() {
        return head.future();
    }

    /** Completes when the response has fully arrived, fails when the exchange broke off or was reset. */
    public Future<Void> end() {
        return end.future();
    }

    public int status() {
        return status;
    }

    public MultiMap headers() {
        return headers;
    }

    /**
     * The whole answer's body once {@link #head()} completed, if it was held whole (this stream
     * then gives the same bytes, in one buffer); null when the body streams.
     */
    public Buffer wholeBody() {
        return wholeBody;
    }

    /** Whether the whole request, its body included, has gone to the replica. */
    public boolean requestWritten() {
        return requestWritten;
    }

    /** Whether the exchange was reset for not being over within its timeout. */
    public boolean timedOut() {
        return timedOut;
    }

    /** Starts the clock, on the loop as the exchange starts. */
    void deadlineFrom(ExchangeTimeouts deadlines) {
        if (timeoutNanos > 0) {
            deadline = deadlines.add(this, timeoutNanos);
        }
    }

    void timeOut() {
        if (!over) {
            timedOut = true;
            reset();
        }
    }

    /** Abandons the call: its connection is closed (never reused), what waits on it fails. */
    public void reset() {
        onLoop(() -> {
            if (over) {
                return;
            }
            reset = true;
            var channel = connection != null ? connection.channel() : connecting;
            failed(new VertxException("reset", true));
            if (channel != null) {
                channel.close();
            }
        });
    }

    boolean isOver() {
        return over;
    }

    void connecting(Channel channel) {
        connecting = channel;
    }

    void attach(UpstreamConnection upstream) {
        connecting = null;
        if (over) {
            upstream.done(false);
            return;
        }
        connection = upstream;
        var channel = upstream.channel();
        var rest = RequestWriter.write(channel, request);
        if (rest == null) {
            requestWritten = true;
            return;
        }
        // Kept before it starts: a body that fails at once finds it to detach.
        writer = RequestWriter.stream(channel, rest, this::requestSent, this::reset);
        writer.start();
    }

    /** A streamed body has all gone to the replica. */
    private void requestSent() {
        writer = null;
        requestWritten = true;
    }

    void writable() {
        var streaming = writer;
        if (streaming != null) {
            streaming.writable();
        }
    }

    void received(Object message) {
        if (over) { // reset, and its connection not yet closed
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(message);
            var channel = connection.channel();
            failed(new VertxException("invalid response: " + object.decoderResult().cause().getMessage(), true));
            channel.close();
            return;
        }
        if (message instanceof HttpResponse response) {
            int code = response.status().code();
            // 1xx before the answer (100 Continue, 103 Early Hints) are not the answer.
            informational = code >= 100 && code < 200 && code != 101;
            if (!informational) {
                status = code;
                headers = response.headers() instanceof MultiMap decoded ? decoded : new HeadersAdaptor(response.headers());
                keepAlive = HttpUtil.isKeepAlive(response);
                whole = holdsWhole(response);
                if (!whole) {
                    head.tryComplete(this);
                }
            }
        }
        if (message instanceof HttpContent content) {
            if (informational) {
                content.release();
                informational = !(message instanceof LastHttpContent);
                return;
            }
            if (content.content().isReadable()) {
                pending.add(BufferInternal.safeBuffer(content.content()));
            } else {
                content.release();
            }
            if (message instanceof LastHttpContent) {
                finished();
                if (whole) {
                    wholeBody = joined();
                    pending.add(wholeBody); // for a consumer that reads it as a stream all the same
                    head.tryComplete(this);
                }
            }
            deliver();
        }
    }

    private boolean holdsWhole(HttpResponse response) {
        if (status == 204 || status == 304 || request.method() == io.vertx.core.http.HttpMethod.HEAD
                || HttpUtil.isTransferEncodingChunked(response)) {
            return false; // no body, or one whose length is not known ahead
        }
        long length = HttpUtil.getContentLength(response, -1L);
        return length >= 0 && length <= WHOLE_LIMIT;
    }

    private Buffer joined() {
        if (pending.size() == 1) {
            return pending.poll();
        }
        var all = Buffer.buffer();
        for (Buffer part; (part = pending.poll()) != null; ) {
            all.appendBuffer(part);
        }
        return all;
    }

    private void finished() {
        over = true;
        dropDeadline();
        ended = true;
        var upstream = connection;
        connection = null;
        boolean reusable = keepAlive && requestWritten && !reset;
        detachRequestBody();
        upstream.done(reusable);
        end.tryComplete();
        runWhenOver();
    }

    /** Once; what it throws is logged, not let into the exchange's own ending (nor its connection's next call). */
    private void runWhenOver() {
        var then = whenOver;
        whenOver = null;
        if (then != null) {
            try {
                then.run();
            } catch (RuntimeException e) {
                log.error("a call's end callback failed", e);
            }
        }
    }

    /** The connection broke, could not be made, or the call was reset: whoever waits learns it once. */
    void failed(Throwable cause) {
        if (over) {
            return;
        }
        over = true;
        dropDeadline();
        connection = null;
        connecting = null;
        var failure = cause != null ? cause : new VertxException("connection closed by the function", true);
        detachRequestBody();
        if (!head.tryFail(failure) && exceptionHandler != null) {
            context.emit(failure, exceptionHandler);
        }
        end.tryFail(failure);
        runWhenOver();
    }

    private void dropDeadline() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }

    private void detachRequestBody() {
        var streaming = writer;
        writer = null;
        if (streaming != null) {
            streaming.detach();
        }
    }

    private void deliver() {
        while (handler != null && demand > 0 && !pending.isEmpty()) {
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            context.emit(pending.poll(), handler);
        }
        if (ended && pending.isEmpty() && !endDelivered && endHandler != null) {
            endDelivered = true; // a body held whole can end before its consumer has set its end handler
            context.emit(null, endHandler);
        }
        var upstream = connection;
        if (upstream != null) {
            // Reads stop only once data waits that the consumer did not take (back-pressure then
            // reaches the replica over TCP), not on every pause: a consumer setting up pauses and
            // resumes at once, and each change of reading is a system call.
            // An answer held whole is read to its end regardless: it is bounded, and no consumer
            // takes it in parts.
            upstream.channel().config().setAutoRead(whole || pending.isEmpty());
        }
    }

    private void onLoop(Runnable action) {
        LoopPool.onLoop(context.nettyEventLoop(), action);
    }

    @Override
    public UpstreamExchange exceptionHandler(Handler<Throwable> handler) {
        onLoop(() -> exceptionHandler = handler);
        return this;
    }

    @Override
    public UpstreamExchange handler(Handler<Buffer> handler) {
        onLoop(() -> {
            this.handler = handler;
            deliver();
        });
        return this;
    }

    @Override
    public UpstreamExchange pause() {
        onLoop(() -> demand = 0);
        return this;
    }

    @Override
    public UpstreamExchange resume() {
        onLoop(() -> {
            demand = Long.MAX_VALUE;
            deliver();
        });
        return this;
    }

    @Override
    public UpstreamExchange fetch(long amount) {
        onLoop(() -> {
            demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
            deliver();
        });
        return this;
    }

    @Override
    public UpstreamExchange endHandler(Handler<Void> handler) {
        onLoop(() -> {
            endHandler = handler;
            deliver();
        });
        return this;
    }
}
