package dev.jfaas.worker;

import dev.jfaas.queue.CallbackPolicy;
import java.time.Duration;
import java.util.List;

/**
 * How workers drain queues.
 *
 * @param concurrency calls run at once per named queue ({@code max_inflight} of a queue)
 * @param leaseTime how long a call stays claimed without renewal; renewed every third of it
 * @param maxResultSize bytes of a response body kept for retrieval; the rest is cut and marked
 * @param callbackAttempts tries to deliver a callback
 * @param callbackMinWait first wait between callback tries; doubles each time
 * @param idlePoll longest wait between polls of an empty queue (new local calls wake it at once)
 * @param callbacks where callbacks may be posted
 */
public record WorkerSettings(int concurrency, Duration leaseTime, int maxResultSize, int callbackAttempts,
        Duration callbackMinWait, Duration idlePoll, CallbackPolicy callbacks) {

    public static final WorkerSettings DEFAULT = new WorkerSettings(16, Duration.ofSeconds(30), 1 << 20, 5,
            Duration.ofSeconds(1), Duration.ofMillis(500), CallbackPolicy.of(null, List.of()));

    /** The same with another concurrency: one lane's share of a queue's. */
    public WorkerSettings withConcurrency(int share) {
        return new WorkerSettings(share, leaseTime, maxResultSize, callbackAttempts, callbackMinWait, idlePoll, callbacks);
    }
}
