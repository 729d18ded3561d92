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

    static Verdict of(int status, boolean internal, Duration retryAfter, int attempt, int maxAttempts,
            Instant acceptedAt, RetryPolicy policy, Instant now, RandomGenerator random) {
        if (!policy.retries(status, internal)) {
            return new Done(status < 400);
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
