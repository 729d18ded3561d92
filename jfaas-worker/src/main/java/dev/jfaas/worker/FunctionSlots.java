package dev.jfaas.worker;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.FunctionRoom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many calls of each function the workers of this process run right now, and how many they
 * may: the function's own limit ({@link FunctionCatalog#concurrencyLimit}) or, once it has pushed
 * back, its {@link AdaptiveLimit}. Shared by every lane, so a function's limit holds however many
 * event loops drain its queue.
 */
final class FunctionSlots {

    /** What a function with no limit of its own may grow its adaptive limit to before it is dropped. */
    private static final int UNLIMITED_CEILING = 1024;

    private final FunctionCatalog catalog;
    private final Map<FunctionName, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<FunctionName, AdaptiveLimit> adaptive = new ConcurrentHashMap<>();
    /** Each function's recent run time (a moving average, ns): how soon its running calls free their slots. */
    private final Map<FunctionName, AtomicLong> runNanos = new ConcurrentHashMap<>();

    FunctionSlots(FunctionCatalog catalog) {
        this.catalog = catalog;
    }

    /** How many of {@code function}'s calls may run at once now; {@link Integer#MAX_VALUE} for any number. */
    int limit(FunctionName function) {
        int known = catalog.concurrencyLimit(function);
        int limit = known <= 0 ? Integer.MAX_VALUE : known;
        var learned = adaptive.get(function);
        return learned == null ? limit : Math.min(limit, learned.value(System.nanoTime()));
    }

    /** Takes a slot unless the function's limit is reached. */
    boolean tryAcquire(FunctionName function) {
        int limit = limit(function);
        var count = running.computeIfAbsent(function, f -> new AtomicInteger());
        while (true) {
            int now = count.get();
            if (now >= limit) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** A call of {@code function} that ran {@code nanos} gave its slot back. */
    void release(FunctionName function, long nanos) {
        var count = running.get(function);
        if (count != null) {
            count.decrementAndGet();
        }
        runNanos.computeIfAbsent(function, f -> new AtomicLong()).accumulateAndGet(nanos,
                (average, sample) -> average == 0 ? sample : (average * 9 + sample) / 10);
    }

    int running(FunctionName function) {
        var count = running.get(function);
        return count == null ? 0 : count.get();
    }

    /** The function answered a call with back-pressure; {@code retryAfter} (or null) pauses it. */
    void pushedBack(FunctionName function, Duration retryAfter) {
        // its own slot is free already: the calls running when it was turned away are one more
        int ran = running(function) + 1;
        var learned = adaptive.computeIfAbsent(function, f -> new AdaptiveLimit(ran));
        learned.pushedBack(ran);
        if (retryAfter != null && retryAfter.isPositive()) {
            learned.pauseUntil(System.nanoTime() + retryAfter.toNanos());
        }
    }

    /** A call of the function ended without back-pressure. */
    void succeeded(FunctionName function) {
        var learned = adaptive.get(function);
        if (learned != null) {
            learned.succeeded();
            int known = catalog.concurrencyLimit(function);
            if (learned.outgrown(known <= 0 ? UNLIMITED_CEILING : known)) {
                adaptive.remove(function, learned);
            }
        }
    }

    /** Functions held back by back-pressure now, and how many calls each may run at once. */
    Map<FunctionName, Integer> adaptiveLimits() {
        var out = new HashMap<FunctionName, Integer>();
        long now = System.nanoTime();
        adaptive.forEach((function, learned) -> out.put(function, learned.value(now)));
        return out;
    }

    /**
     * What a lease may bring: up to each function's limit, less its calls running here and
     * {@code held} (leased, not started), plus those of its running ones likely to end before a
     * lease asked for now comes back ({@code leaseNanos} away), so that a slot that frees finds
     * its next call waiting. A function whose calls run long gets none ahead: its backlog stays
     * in the queue, for any worker.
     */
    FunctionRoom room(Map<FunctionName, Integer> held, double leaseNanos) {
        var used = new HashMap<FunctionName, Integer>(held);
        running.forEach((function, count) -> {
            int n = count.get();
            var run = runNanos.get(function);
            double ahead = run == null || run.get() <= 0 ? 0 : Math.min(1.0, leaseNanos / run.get());
            used.merge(function, n - (int) (n * ahead), Integer::sum);
        });
        // Asked once per function and lease: a lease asks a function's room for every call it picks.
        var limits = new ConcurrentHashMap<FunctionName, Integer>();
        return new FunctionRoom(function -> limits.computeIfAbsent(function, this::limit), used);
    }
}
