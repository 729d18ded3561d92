package dev.jfaas.worker;

import dev.jfaas.function.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/** What happens to a call after one attempt: it ends, or it waits for another. */
sealed interface Verdict {

    /** Ends as succeeded (status below 400) or failed (an error not retried). */
    record Done(boolean succeeded) implements Verdict {}

    /** Another attempt after a wait. */
    record Retry(Instant notBefore) implements Verdict {}

    /** Out of attempts or age: a dead letter. */
    record Dead(String why) implements Verdict {}

    /** The function was busy: another try after a wait, this attempt not counted. */
    record PushBack(Instant notBefore) implements Verdict {}

    /**
     * Back-pressure rather than failure: a 429 (the function's, or jfaas's own limit), or a 503
     * the function gave itself. A 503 of jfaas's (no replica, a sandbox that failed) is an error.
     */
    static boolean isBackPressure(int status, boolean internal) {
        return status == 429 || (status == 503 && !internal);
    }

    /** @param adaptive back-pressure is pushed back, not counted; else a failed attempt like any other */
    static Verdict of(int status, boolean internal, boolean adaptive, Duration retryAfter, int attempt, int maxAttempts,
            Instant acceptedAt, RetryPolicy policy, Instant now, RandomGenerator random) {
        if (!policy.retries(status, internal)) {
            return new Done(status < 400);
        }
        if (adaptive && isBackPressure(status, internal)) {
            // A moment's wait, or the function's Retry-After: its adaptive limit, now lower, is
            // what paces its calls, not this wait; only its age bounds how often this happens.
            var next = now.plus(retryAfter != null ? retryAfter : Duration.ofMillis(50 + random.nextInt(200)));
            if (Duration.between(acceptedAt, next).compareTo(policy.maxAge()) > 0) {
                return new Dead("status " + status + " (busy); the next attempt would pass max_age " + policy.maxAge());
            }
            return new PushBack(next);
        }
        if (attempt >= maxAttempts) {
            return new Dead("status " + status + " after " + attempt + " attempts");
        }
        var next = now.plus(policy.backoff(attempt, retryAfter, random));
        if (Duration.between(acceptedAt, next).compareTo(policy.maxAge()) > 0) {
            return new Dead("status " + status + "; the next attempt would pass max_age " + policy.maxAge());
        }
        return new Retry(next);
    }
}
