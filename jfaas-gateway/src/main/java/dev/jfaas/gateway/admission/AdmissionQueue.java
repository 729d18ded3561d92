package dev.jfaas.gateway.admission;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Up to a limit of calls run at once; the rest wait, highest priority first then oldest, at most
 * {@code maxQueued} of them and each at most {@code timeout}. A waiting call holds no thread: it
 * is a promise completed, on its own event loop, when a slot frees. Shared by all event loops.
 * Far from the limit with nobody waiting, entering touches only a striped counter (no lock, no
 * cache line fought over by the event loops); near the limit, entries take the lock and count
 * exactly. {@link #SLACK} must exceed the number of threads entering at once.
 */
public final class AdmissionQueue {

    /** Why a call was not admitted. */
    public enum Refusal {
        FULL,
        TIMED_OUT
    }

    /** Thrown into a refused call's future. */
    public static final class Refused extends RuntimeException {
        private final Refusal reason;

        Refused(Refusal reason) {
            super(reason == Refusal.FULL ? "queue full" : "waited too long", null, false, false);
            this.reason = reason;
        }

        public Refusal reason() {
            return reason;
        }
    }

    private record Waiter(int priority, long seq, Promise<Void> promise, Context context, long[] timer) {}

    private static final Future<Void> ADMITTED = Future.succeededFuture();
    /**
     * How far below the limit entering stays lock-free: more than the threads that may enter at
     * once (the event loops and worker lanes, one per core each), and no more, so that a function's
     * default limit (a quarter of its pids, 127) still admits a bench's 64 connections lock-free.
     */
    static final int SLACK = 2 * Runtime.getRuntime().availableProcessors() + 8;

    private final Vertx vertx;
    private final IntSupplier limit;
    private final int maxQueued;
    private final Duration timeout;
    private final LongAdder running = new LongAdder();
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>((a, b) -> a.priority() != b.priority()
            ? Integer.compare(b.priority(), a.priority()) : Long.compare(a.seq(), b.seq()));
    private volatile int waitingCount;
    private long seq;

    /** @param limit how many may run now (0 = no limit); asked each time, as replicas come and go */
    public AdmissionQueue(Vertx vertx, IntSupplier limit, int maxQueued, Duration timeout) {
        this.vertx = vertx;
        this.limit = limit;
        this.maxQueued = maxQueued;
        this.timeout = timeout;
    }

    /** Completes when the call may run; it must then call {@link #release()} exactly once. */
    public Future<Void> acquire(int priority) {
        int max = limit.getAsInt();
        if (waitingCount == 0 && (max <= 0 || running.sum() < max - SLACK)) {
            running.increment();
            return ADMITTED;
        }
        Waiter waiter;
        synchronized (this) {
            if (waiting.isEmpty() && tryTakeSlot()) {
                return ADMITTED;
            }
            if (waiting.size() >= maxQueued) {
                return Future.failedFuture(new Refused(Refusal.FULL));
            }
            waiter = new Waiter(priority, seq++, Promise.promise(), vertx.getOrCreateContext(), new long[1]);
            waiting.add(waiter);
            waitingCount = waiting.size();
        }
        waiter.timer()[0] = vertx.setTimer(timeout.toMillis(), id -> {
            boolean removed;
            synchronized (this) {
                removed = waiting.remove(waiter);
                waitingCount = waiting.size();
            }
            if (removed) {
                waiter.promise().tryFail(new Refused(Refusal.TIMED_OUT));
            }
        });
        admitWaiting(); // a slot may have freed, or the limit grown, while it queued
        return waiter.promise().future();
    }

    public void release() {
        running.decrement();
        if (waitingCount > 0) {
            admitWaiting();
        }
    }

    /** Under the lock: takes a slot if the exact count allows. */
    private boolean tryTakeSlot() {
        int max = limit.getAsInt();
        if (max > 0 && running.sum() >= max) {
            return false;
        }
        running.increment();
        return true;
    }

    /** Lets waiters in, best first, while there is room. */
    private void admitWaiting() {
        while (true) {
            Waiter next;
            synchronized (this) {
                if (waiting.isEmpty() || !tryTakeSlot()) {
                    return;
                }
                next = waiting.poll();
                waitingCount = waiting.size();
            }
            var admitted = next;
            admitted.context().runOnContext(v -> {
                vertx.cancelTimer(admitted.timer()[0]);
                admitted.promise().complete();
            });
        }
    }

    public int waitingCount() {
        return waitingCount;
    }
}
