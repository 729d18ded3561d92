package dev.jfaas.gateway.invoke;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A body stream that notes when it is over: {@link #ended} once it has ended, and {@code atEnd}
 * run when it ends or fails (a deadline's timer is cancelled, a held request body let go: both
 * may be told twice).
 */
final class EndWatch implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final Runnable atEnd;
    volatile boolean ended;

    EndWatch(ReadStream<Buffer> source, Runnable atEnd) {
        this.source = source;
        this.atEnd = atEnd;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        source.exceptionHandler(failure -> {
            atEnd.run();
            if (handler != null) {
                handler.handle(failure);
            }
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        source.handler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
        source.endHandler(v -> {
            ended = true;
            atEnd.run();
            if (handler != null) {
                handler.handle(v);
            }
        });
        return this;
    }
}
