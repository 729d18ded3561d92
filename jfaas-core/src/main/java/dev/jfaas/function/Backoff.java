package dev.jfaas.function;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Waits that double from {@code first} up to {@code cap}: how every retry in jfaas waits (async
 * calls, callbacks, trigger events the queue cannot take yet, reply polling, replica restarts).
 */
public record Backoff(Duration first, Duration cap) {

    public Backoff {
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0) {
            throw new IllegalArgumentException("a backoff starts above zero and its cap is not below its start: "
                    + first + ", " + cap);
        }
    }

    /** The wait before retry number {@code retry} (1 for the first): first × 2^(retry − 1), at most the cap. */
    public Duration after(int retry) {
        long firstNanos = first.toNanos();
        int doublings = Math.max(0, Math.min(retry - 1, 62 - (63 - Long.numberOfLeadingZeros(firstNanos))));
        long nanos = firstNanos << doublings;
        return nanos >= cap.toNanos() || nanos <= 0 ? cap : Duration.ofNanos(nanos);
    }

    /**
     * The same with full jitter: anywhere from {@code first} to {@link #after(int)}, so the retries of
     * many calls that failed together spread out instead of coming back together.
     */
    public Duration jittered(int retry, RandomGenerator random) {
        long low = first.toMillis();
        long high = after(retry).toMillis();
        return Duration.ofMillis(high > low ? low + random.nextLong(high - low + 1) : low);
    }
}
