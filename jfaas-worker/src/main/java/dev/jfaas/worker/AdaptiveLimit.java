package dev.jfaas.worker;

/**
 * How many calls of one function the workers of a process send at once when the function pushes
 * back (a 429, or a 503 of its own): additive increase, multiplicative decrease, as TCP does with
 * its window and as OpenFaaS's queue-worker does with a function's max_inflight it cannot see.
 * A push-back halves the limit, at most once per window (about one call's run time, so the
 * answers of one overload do not halve it again and again); each call that ends well adds
 * 1/limit, so the limit grows by one per limit's worth of calls. Once it grows past what the
 * function is known to allow, the function is no longer held back at all. Thread-safe.
 */
final class AdaptiveLimit {

    /** Below this a window is this long anyway: a function that answers 429 at once would otherwise halve per answer. */
    private static final long MIN_WINDOW_NANOS = 20_000_000;

    private double limit;
    private long lastDecrease;
    private long runNanos = MIN_WINDOW_NANOS;
    private long pausedUntil;

    /** @param running how many of its calls run now, where the limit starts from */
    AdaptiveLimit(int running) {
        this.limit = Math.max(1, running);
    }

    /** The function pushed back: halves the limit unless it was halved within the last window. */
    synchronized void pushedBack(int running, long now) {
        if (lastDecrease != 0 && now - lastDecrease < Math.max(MIN_WINDOW_NANOS, runNanos)) {
            return;
        }
        limit = Math.max(1, Math.min(limit, Math.max(1, running)) / 2);
        lastDecrease = now;
    }

    /** Its Retry-After: nothing is sent it until {@code until} ({@code System.nanoTime()}). */
    synchronized void pauseUntil(long until) {
        pausedUntil = until;
    }

    /** A call ended without a push-back after {@code nanos}. */
    synchronized void succeeded(long nanos) {
        limit += 1 / limit;
        runNanos = (runNanos * 7 + nanos) / 8;
    }

    /** Calls that may run at once now. */
    synchronized int value(long now) {
        return pausedUntil != 0 && pausedUntil - now > 0 ? 0 : (int) limit;
    }

    /** Grown past {@code known} (the function's own limit): no longer needed. */
    synchronized boolean outgrown(int known) {
        return limit > known;
    }
}
