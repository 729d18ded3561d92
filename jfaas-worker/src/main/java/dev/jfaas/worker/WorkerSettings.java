package dev.jfaas.worker;

import java.time.Duration;

/**
 * How workers drain queues.
 *
 * @param concurrency calls run at once per named queue ({@code max_inflight} of a queue)
 * @param leaseTime how long a call stays claimed without renewal; renewed every third of it
 * @param maxResultSize bytes of a response body kept for retrieval; the rest is cut and marked
 * @param callbackAttempts tries to deliver a callback
 * @param callbackMinWait first wait between callback tries; doubles each time
 * @param idlePoll longest wait between polls of an empty queue (new local calls wake it at once)
 */
public record WorkerSettings(int concurrency, Duration leaseTime, int maxResultSize, int callbackAttempts,
        Duration callbackMinWait, Duration idlePoll) {

    public static final WorkerSettings DEFAULT = new WorkerSettings(16, Duration.ofSeconds(30), 1 << 20, 5,
            Duration.ofSeconds(1), Duration.ofMillis(500));
}
