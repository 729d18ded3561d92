package dev.jfaas.gateway.invoke;

import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Cancellation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads one request body to its end, in memory while it fits ({@link ReceivedBodies}), else into a
 * spool file. Lives on the request's event loop; what it holds is let go by {@link Held#release}
 * (also when it fails: the caller went away, a deadline passed, the spool is full).
 */
final class BodyCollector {

    /** A received body and how to let go of what holds it (idempotent). */
    record Held(Body body, Runnable release) {}

    /** Past the spool's budget: the gateway holds as many bodies as it may. */
    static final class SpoolFull extends RuntimeException {
        SpoolFull() {
            super("the gateway holds as many request bodies as it may (JFAAS_SPOOL_SIZE)", null, false, false);
        }
    }

    /** The call was cancelled (its caller went, a deadline answered) before its body arrived. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("the call was cancelled while its body arrived", null, false, false);
        }
    }

    private final Vertx vertx;
    private final ContextInternal context;
    private final ReceivedBodies bodies;
    private final ReadStream<Buffer> source;
    private final long expected;
    private final Promise<Held> done = Promise.promise();
    private final AtomicBoolean released = new AtomicBoolean();

    private Buffer memory;
    /** Whether {@link #memory} is a buffer of this collector's (else the first chunk as it came). */
    private boolean memoryOwned;
    private AsyncFile file;
    private long spooled;
    private boolean opening;
    private boolean ended;
    /** Chunks that came while the spool file opened (made then: most bodies never spill). */
    private ArrayDeque<Buffer> waiting;
    private Future<Void> lastWrite = Future.succeededFuture();

    BodyCollector(Vertx vertx, ReceivedBodies bodies, ReadStream<Buffer> source, long expected) {
        this.vertx = vertx;
        this.context = (ContextInternal) vertx.getOrCreateContext();
        this.bodies = bodies;
        this.source = source;
        this.expected = expected;
    }

    Future<Held> collect(Cancellation cancellation) {
        cancellation.onCancel(() -> onContext(() -> fail(new Cancelled())));
        source.exceptionHandler(this::fail);
        source.endHandler(v -> {
            ended = true;
            finishIfDone();
        });
        source.handler(this::chunk);
        source.resume();
        return done.future();
    }

    private void chunk(Buffer chunk) {
        if (done.future().isComplete()) {
            return; // failed: the rest is drained and dropped
        }
        if (file != null) {
            write(chunk);
        } else if (opening) {
            waiting.add(chunk);
        } else if (held() + chunk.length() <= ReceivedBodies.IN_MEMORY && bodies.memory.reserve(chunk.length())) {
            keep(chunk); // what is held in memory is what the budget holds for it: held()
        } else {
            spill(chunk);
        }
    }

    private long held() {
        return memory == null ? 0 : memory.length();
    }

    private void keep(Buffer chunk) {
        if (memory == null) {
            memory = chunk; // the usual body: one chunk, no copy
        } else {
            if (!memoryOwned) {
                // grown as bytes come, never sized by the declared length: a caller may declare a
                // megabyte and send a byte every few seconds (500 of them had ended a 96 MB heap)
                long grown = 2L * (held() + chunk.length());
                memory = Buffer.buffer((int) (expected > 0 ? Math.min(expected, grown) : grown)).appendBuffer(memory);
                memoryOwned = true;
            }
            memory.appendBuffer(chunk);
        }
    }

    private void spill(Buffer chunk) {
        opening = true;
        waiting = new ArrayDeque<>();
        waiting.add(chunk);
        source.pause();
        bodies.open(vertx).onComplete(opened -> {
            opening = false;
            if (opened.failed()) {
                fail(opened.cause());
                return;
            }
            file = opened.result();
            if (done.future().isComplete()) {
                file.close(); // failed while it opened
                return;
            }
            if (memory != null) {
                write(memory);
                letGoOfMemory();
            }
            while (!waiting.isEmpty() && !done.future().isComplete()) {
                write(waiting.poll());
            }
            source.resume();
            finishIfDone();
        });
    }

    private void write(Buffer chunk) {
        if (!bodies.spool.reserve(chunk.length())) {
            fail(new SpoolFull());
            return;
        }
        spooled += chunk.length();
        lastWrite = file.write(chunk);
        if (file.writeQueueFull()) {
            source.pause();
            file.drainHandler(v -> source.resume());
        }
    }

    private void finishIfDone() {
        if (!ended || opening || done.future().isComplete()) {
            return;
        }
        if (file == null) {
            done.tryComplete(new Held(Body.of(memory), this::release));
            return;
        }
        lastWrite.onComplete(written -> {
            if (written.failed()) {
                fail(written.cause());
                return;
            }
            file.pause();
            file.setReadPos(0);
            done.tryComplete(new Held(new Body.Stream(new EndWatch(file, this::release), this::release), this::release));
        });
    }

    /** On the request's loop, as everything here: let go first, so whoever the failure wakes finds it let go. */
    private void fail(Throwable cause) {
        if (!done.future().isComplete()) {
            release();
            done.tryFail(cause);
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            onContext(() -> {
                letGoOfMemory();
                if (file != null) {
                    file.close();
                    bodies.spool.release(spooled);
                    spooled = 0;
                }
            });
        }
    }

    private void letGoOfMemory() {
        bodies.memory.release(held());
        memory = null;
    }

    /** On the request's loop: its thread is enough (a thread check, not a context lookup). */
    private void onContext(Runnable action) {
        if (context.nettyEventLoop().inEventLoop()) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
