package dev.jfaas.worker;

import dev.jfaas.queue.QueuedCall;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap a worker process gives to the bodies of calls it has leased, every lane and queue
 * together: a lease asks for no more calls than fit, judged by the bodies seen lately (each is held
 * twice: as stored and as sent), and none while the budget is spent. A process's first lease
 * assumes bodies as large as an async call may have (a sixteenth of the heap), so a queue of large
 * calls cannot bring more than the heap in one lease. One call is always let through when
 * nothing is held, whatever its size, so a queue never stalls.
 */
final class BodyBudget {

    private static final long PER_CALL = 1024; // its headers, path and bookkeeping

    private final long budget;
    private final AtomicLong held = new AtomicLong();
    /** What a call's body has lately cost; volatile rather than exact: it only sizes leases. */
    private volatile double typical;

    BodyBudget(long budget, long firstGuess) {
        this.budget = budget;
        this.typical = firstGuess;
    }

    /** A quarter of this process's heap; the first guess is the default largest async body. */
    static BodyBudget ofHeap() {
        long heap = Runtime.getRuntime().maxMemory();
        return new BodyBudget(heap / 4, 2 * (heap / 16) + PER_CALL);
    }

    /** How many of {@code wanted} calls a lease may bring now. */
    int room(int wanted) {
        long now = held.get();
        long fit = Math.max(0, (budget - now) / (long) typical);
        return (int) Math.min(wanted, now == 0 ? Math.max(1, fit) : fit);
    }

    void hold(QueuedCall call) {
        long cost = cost(call);
        held.addAndGet(cost);
        typical = Math.max(PER_CALL, 0.75 * typical + 0.25 * cost);
    }

    void release(QueuedCall call) {
        held.addAndGet(-cost(call));
    }

    long held() {
        return held.get();
    }

    private static long cost(QueuedCall call) {
        return 2L * call.body().length + PER_CALL;
    }
}
