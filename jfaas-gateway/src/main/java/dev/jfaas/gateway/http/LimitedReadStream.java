package dev.jfaas.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * A request body that may not grow past a limit ({@code max_body_size} for a chunked one): past it
 * the caller gets 413 if no answer has begun, and the connection is closed (the rest of the body is
 * not read); once an answer has begun, all that is left is to reset the connection.
 */
public final class LimitedReadStream implements ReadStream<Buffer> {

    private final HttpServerRequest request;
    private final long limit;
    private long seen;
    private Handler<Throwable> failure;

    public LimitedReadStream(HttpServerRequest request, long limit) {
        this.request = request;
        this.limit = limit;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            request.handler(null);
            return this;
        }
        request.handler(chunk -> {
            seen += chunk.length();
            if (seen > limit) {
                var response = request.response();
                if (!response.headWritten() && !response.ended()) {
                    // Connection: close makes the server close it once the 413 is out.
                    response.putHeader("Connection", "close").putHeader("X-Jfaas-Internal", "limits");
                    Replies.error(request, 413, "request body is larger than max_body_size " + limit + " bytes");
                } else if (!response.ended()) {
                    response.reset();
                }
                if (failure != null && seen - chunk.length() <= limit) {
                    failure.handle(new IllegalStateException("request body over max_body_size")); // the consumer stops now
                }
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        failure = handler;
        request.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        request.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        request.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        request.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        request.endHandler(endHandler);
        return this;
    }
}
