package dev.jfaas.worker;

import dev.jfaas.queue.CallbackPolicy;
import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
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
 * @param adaptive a function's 429 (or its own 503) lowers how many of its calls run at once and
 *     puts the call back without using an attempt; off: it is a failed attempt, retried with backoff
 */
public record WorkerSettings(int concurrency, Duration leaseTime, int maxResultSize, int callbackAttempts,
        Duration callbackMinWait, Duration idlePoll, CallbackPolicy callbacks, boolean adaptive) {

    public static final Setting<Boolean> IN_GATEWAY = Setting.flag("JFAAS_WORKER", true,
            "run the async workers in the gateway (`false` when only standalone `jfaas worker`s should)");
    public static final Setting<Integer> CONCURRENCY = Setting.integer("JFAAS_QUEUE_MAX_INFLIGHT", 16, 1, 100_000,
            "async calls run at once per named queue (a worker also leases the successors of calls about to end, so up "
            + "to as many again can be `running` in `/system/queues` while they wait for a slot)");
    public static final Setting<Duration> LEASE_TIME = Setting.duration("JFAAS_LEASE_TIME", Duration.ofSeconds(30),
            "how long a running call stays claimed without renewal (renewed every third)");
    public static final Setting<Integer> MAX_RESULT_SIZE = Setting.integer("JFAAS_MAX_RESULT_SIZE", 1 << 20, 0,
            Integer.MAX_VALUE, "bytes of a result body kept; larger ones are cut and marked");
    public static final Setting<Integer> CALLBACK_ATTEMPTS = Setting.integer("JFAAS_CALLBACK_ATTEMPTS", 5, 1, 100,
            "callback delivery tries");
    public static final Setting<Duration> CALLBACK_MIN_WAIT = Setting.duration("JFAAS_CALLBACK_MIN_WAIT",
            Duration.ofSeconds(1), "the first wait between callback tries; it doubles each time");
    public static final Setting<String> CALLBACK_ALLOWED_HOSTS = Setting.text("JFAAS_CALLBACK_ALLOWED_HOSTS", null,
            "the only hosts callbacks may go to (names, addresses, CIDRs, comma-separated); unset: anywhere but "
            + "loopback, the host's own addresses, link-local and the replicas' pool");

    public static final Setting<Boolean> ADAPTIVE = Setting.flag("JFAAS_QUEUE_ADAPTIVE", true,
            "adaptive concurrency: a function's 429 (or a 503 of its own) halves how many of its async calls run at "
            + "once, successes add back, and the call is put back without using an attempt (`false`: a failed attempt, "
            + "retried with backoff)");

    public static final List<Setting<?>> SETTINGS = List.of(IN_GATEWAY, CONCURRENCY, LEASE_TIME, MAX_RESULT_SIZE,
            CALLBACK_ATTEMPTS, CALLBACK_MIN_WAIT, CALLBACK_ALLOWED_HOSTS, ADAPTIVE);

    public static final WorkerSettings DEFAULT = new WorkerSettings(16, Duration.ofSeconds(30), 1 << 20, 5,
            Duration.ofSeconds(1), Duration.ofMillis(500), CallbackPolicy.of(null, List.of()), true);

    /**
     * The workers' settings; callbacks are refused to the replicas' pool as well as to what
     * {@link CallbackPolicy} always refuses.
     */
    public static WorkerSettings from(Settings settings, List<String> replicaNetworks) {
        return new WorkerSettings(settings.get(CONCURRENCY), settings.get(LEASE_TIME), settings.get(MAX_RESULT_SIZE),
                settings.get(CALLBACK_ATTEMPTS), settings.get(CALLBACK_MIN_WAIT), DEFAULT.idlePoll(),
                callbackPolicy(settings, replicaNetworks), settings.get(ADAPTIVE));
    }

    /** Where callbacks may go: never to the host's own services, nor to the replicas' pool. */
    public static CallbackPolicy callbackPolicy(Settings settings, List<String> replicaNetworks) {
        return CallbackPolicy.of(settings.get(CALLBACK_ALLOWED_HOSTS), replicaNetworks);
    }

    /** The same with another concurrency: one lane's share of a queue's. */
    public WorkerSettings withConcurrency(int share) {
        return new WorkerSettings(share, leaseTime, maxResultSize, callbackAttempts, callbackMinWait, idlePoll, callbacks,
                adaptive);
    }
}
