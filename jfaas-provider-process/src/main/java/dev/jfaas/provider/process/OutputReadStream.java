package dev.jfaas.provider.process;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A process's stdout as a Vert.x {@link ReadStream}: a {@link PipeThreads} thread reads chunks and hands them
 * to the Vert.x context, waiting while the consumer has paused, so output is streamed with flow
 * control instead of buffered.
 */
final class OutputReadStream implements ReadStream<Buffer> {

    private static final int CHUNK = 16 * 1024;

    private final InputStream source;
    private final Context context = Vertx.currentContext();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition demandChanged = lock.newCondition();
    private long demand = Long.MAX_VALUE;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    OutputReadStream(InputStream source) {
        this.source = source;
        PipeThreads.run(this::readLoop);
    }

    private void readLoop() {
        var bytes = new byte[CHUNK];
        try (source) {
            int n;
            while ((n = source.read(bytes)) >= 0) {
                if (n == 0) {
                    continue;
                }
                awaitDemand();
                var chunk = Buffer.buffer(n).appendBytes(bytes, 0, n);
                deliver(() -> {
                    if (handler != null) {
                        handler.handle(chunk);
                    }
                });
            }
            awaitDemand();
            deliver(() -> {
                if (endHandler != null) {
                    endHandler.handle(null);
                }
            });
        } catch (IOException e) {
            deliver(() -> {
                if (exceptionHandler != null) {
                    exceptionHandler.handle(e);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks the reader until the consumer is attached and wants data. */
    private void awaitDemand() throws InterruptedException {
        lock.lock();
        try {
            while (demand == 0 || handler == null) {
                demandChanged.await();
            }
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
        } finally {
            lock.unlock();
        }
    }

    private void deliver(Runnable action) {
        if (context == null) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private void setDemand(long value) {
        lock.lock();
        try {
            demand = value;
            demandChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
        exceptionHandler = h;
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
        lock.lock();
        try {
            handler = h;
            demandChanged.signalAll();
        } finally {
            lock.unlock();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        setDemand(0);
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        setDemand(Long.MAX_VALUE);
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        lock.lock();
        try {
            demand = demand == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
            demandChanged.signalAll();
        } finally {
            lock.unlock();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
        endHandler = h;
        return this;
    }
}
