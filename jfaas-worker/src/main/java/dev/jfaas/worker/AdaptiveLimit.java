package dev.jfaas.worker;

/**
 * How many calls of one function the workers of a process send at once when the function pushes
 * back (a 429, or a 503 of its own): additive increase, multiplicative decrease, as TCP does with
 * its window and as OpenFaaS's queue-worker does with a function's max_inflight it cannot see.
 * A push-back cuts the limit to {@link #BACKOFF} of the calls that were running when it came, so
 * the rejections of one overload, coming back one by one as their slots free, bring it down to
 * about what the function takes at once and no lower (a cut by the limit alone would cut again
 * for each); each call that ends well adds 1/limit, so the limit grows by one per limit's worth
 * of calls. Once it grows past what the function is known to allow, the function is no longer
 * held back at all. Thread-safe.
 */
final class AdaptiveLimit {

    /**
     * What is kept at a push-back. Halving (TCP's) kept a function that takes 4 at once between 2
     * and 5, 3.3 on average: 1.41× the ideal time in bench/async-fair.sh; a quarter's cut (Netflix's
     * concurrency-limits library keeps 0.9) keeps it nearer what it takes.
     */
    static final double BACKOFF = 0.75;

    private double limit;
    private long pausedUntil;

    /** @param running how many of its calls run now, where the limit starts from */
    AdaptiveLimit(int running) {
        this.limit = Math.max(1, running);
    }

    /** The function pushed back while {@code running} of its calls ran, this one included. */
    synchronized void pushedBack(int running) {
        limit = Math.max(1, Math.min(limit, Math.max(1, running) * BACKOFF));
    }

    /** Its Retry-After: nothing is sent it until {@code until} ({@code System.nanoTime()}). */
    synchronized void pauseUntil(long until) {
        pausedUntil = until;
    }

    /** A call ended without a push-back. */
    synchronized void succeeded() {
        limit += 1 / limit;
    }

    /**
     * Calls that may run at once now. Rounded down: rounded to the nearest, the limit sat at a
     * function's capacity more often but probed past it more (bench/async-fair.sh: 1.36 tries per
     * call instead of 1.22, no faster).
     */
    synchronized int value(long now) {
        return pausedUntil != 0 && pausedUntil - now > 0 ? 0 : (int) limit;
    }

    /** Grown past {@code known} (the function's own limit): no longer needed. */
    synchronized boolean outgrown(int known) {
        return limit > known;
    }
}
