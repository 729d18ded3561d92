package dev.jfaas.provider.process;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A call's stdout as a Vert.x {@link ReadStream}: a virtual thread takes chunks from the spawner
 * and hands them to the Vert.x context, waiting while the consumer has paused, so output is
 * streamed with flow control instead of buffered.
 */
final class OutputReadStream implements ReadStream<Buffer> {

    /** Blocks for the next chunk of output; null at the end. */
    interface Chunks {
        byte[] next() throws IOException;
    }

    private final Chunks source;
    private final Runnable atEnd;
    private final Context context = Vertx.currentContext();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition demandChanged = lock.newCondition();
    private long demand = Long.MAX_VALUE;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    OutputReadStream(Chunks source, Runnable atEnd) {
        this.source = source;
        this.atEnd = atEnd;
        Thread.ofVirtual().name("stdout").start(this::readLoop);
    }

    private void readLoop() {
        try {
            for (var bytes = source.next(); bytes != null; bytes = source.next()) {
                if (bytes.length == 0) {
                    continue;
                }
                awaitDemand();
                var chunk = Buffer.buffer(bytes);
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
        } finally {
            atEnd.run();
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
        CallerContext.onContext(context, action);
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
