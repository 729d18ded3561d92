package dev.jfaas.worker;

import dev.jfaas.function.FunctionName;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many calls of each function the workers of this process run right now, shared by every
 * lane, so a function's limit holds however many event loops drain its queue.
 */
final class FunctionSlots {

    private final Map<FunctionName, AtomicInteger> running = new ConcurrentHashMap<>();

    /** Takes a slot unless {@code limit} (0 = none) are taken already. */
    boolean tryAcquire(FunctionName function, int limit) {
        var count = running.computeIfAbsent(function, f -> new AtomicInteger());
        while (true) {
            int now = count.get();
            if (limit > 0 && now >= limit) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release(FunctionName function) {
        var count = running.get(function);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Functions at their limit: leave their calls in the queue for now. */
    java.util.Set<FunctionName> full(FunctionCatalog catalog) {
        var full = new java.util.HashSet<FunctionName>();
        running.forEach((function, count) -> {
            int limit = catalog.concurrencyLimit(function);
            if (limit > 0 && count.get() >= limit) {
                full.add(function);
            }
        });
        return full;
    }
}
