package dev.jfaas.gateway;

import dev.jfaas.function.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of one gateway, read from {@code JFAAS_*} environment variables; every one has a
 * default that works on a laptop.
 *
 * @param port HTTP port, 0 to pick a free one
 * @param eventLoops Vert.x event loops serving HTTP (default: one per core)
 * @param queue where async calls wait: {@code embedded} (durable, default) or {@code memory}
 * @param worker whether this process also runs the async workers
 * @param queueMaxInflight async calls run at once per named queue
 * @param leaseTime how long a running async call stays claimed without renewal
 * @param resultTtl how long finished calls and their results are kept
 * @param maxResultSize bytes of a result body kept
 * @param gatewayMaxInflight calls forwarded at once by this gateway; more wait
 * @param gatewayMaxQueued calls that may wait for the gateway; more get 503
 */
public record GatewayConfig(
        int port,
        Path dataDir,
        boolean basicAuth,
        String basicAuthUser,
        String basicAuthPassword,
        Path secretMountPath,
        long maxBodySize,
        Duration scaleFromZeroTimeout,
        int eventLoops,
        String queue,
        boolean worker,
        int queueMaxInflight,
        Duration leaseTime,
        Duration resultTtl,
        int maxResultSize,
        int callbackAttempts,
        Duration callbackMinWait,
        int gatewayMaxInflight,
        int gatewayMaxQueued,
        Duration gatewayQueueTimeout,
        boolean autoscale,
        Duration autoscaleInterval,
        Duration scaleDownWindow,
        ConnectionLimits.Settings connections,
        Duration idleTimeout,
        long maxAsyncBodySize) {

    public static GatewayConfig fromEnvironment(Map<String, String> env) {
        var secrets = env.getOrDefault("JFAAS_SECRET_MOUNT_PATH", env.get("secret_mount_path"));
        return new GatewayConfig(
                intValue(env, "JFAAS_PORT", 8080),
                Path.of(env.getOrDefault("JFAAS_DATA", "./.jfaas")),
                !"false".equalsIgnoreCase(env.getOrDefault("JFAAS_BASIC_AUTH", "true")),
                env.get("JFAAS_BASIC_AUTH_USER"),
                env.get("JFAAS_BASIC_AUTH_PASSWORD"),
                secrets == null ? null : Path.of(secrets),
                longValue(env, "JFAAS_MAX_BODY_SIZE", 32L << 20),
                duration(env, "JFAAS_SCALE_FROM_ZERO_TIMEOUT", Duration.ofSeconds(60)),
                intValue(env, "JFAAS_EVENT_LOOPS", Runtime.getRuntime().availableProcessors()),
                env.getOrDefault("JFAAS_QUEUE", "embedded"),
                !"false".equalsIgnoreCase(env.getOrDefault("JFAAS_WORKER", "true")),
                intValue(env, "JFAAS_QUEUE_MAX_INFLIGHT", 16),
                duration(env, "JFAAS_LEASE_TIME", Duration.ofSeconds(30)),
                duration(env, "JFAAS_RESULT_TTL", Duration.ofHours(24)),
                intValue(env, "JFAAS_MAX_RESULT_SIZE", 1 << 20),
                intValue(env, "JFAAS_CALLBACK_ATTEMPTS", 5),
                duration(env, "JFAAS_CALLBACK_MIN_WAIT", Duration.ofSeconds(1)),
                intValue(env, "JFAAS_GATEWAY_MAX_INFLIGHT", 10_000),
                intValue(env, "JFAAS_GATEWAY_MAX_QUEUED", 10_000),
                duration(env, "JFAAS_GATEWAY_QUEUE_TIMEOUT", Duration.ofSeconds(30)),
                !"false".equalsIgnoreCase(env.getOrDefault("JFAAS_AUTOSCALE", "true")),
                duration(env, "JFAAS_AUTOSCALE_INTERVAL", Duration.ofSeconds(2)),
                duration(env, "JFAAS_SCALE_DOWN_WINDOW", Duration.ofSeconds(30)),
                new ConnectionLimits.Settings(intValue(env, "JFAAS_MAX_CONNECTIONS", defaultMaxConnections()),
                        duration(env, "JFAAS_HEADER_TIMEOUT", Duration.ofSeconds(10)),
                        duration(env, "JFAAS_BODY_TIMEOUT", Duration.ofSeconds(30))),
                duration(env, "JFAAS_IDLE_TIMEOUT", Duration.ofSeconds(60)),
                longValue(env, "JFAAS_MAX_ASYNC_BODY_SIZE", Math.min(longValue(env, "JFAAS_MAX_BODY_SIZE", 32L << 20),
                        Runtime.getRuntime().maxMemory() / 16)));
    }

    /**
     * An open connection costs about 8.5 KB of heap before it sends anything: a fifth of the heap
     * for connections, so the rest stays for calls (about 2,200 with the launcher's 96 MB).
     */
    static int defaultMaxConnections() {
        return (int) Math.max(256, Math.min(20_000, Runtime.getRuntime().maxMemory() / 5 / 8_704));
    }

    private static Duration duration(Map<String, String> env, String key, Duration fallback) {
        return DurationText.parseOr(key, env.get(key), fallback);
    }

    private static int intValue(Map<String, String> env, String key, int fallback) {
        return (int) longValue(env, key, fallback);
    }

    private static long longValue(Map<String, String> env, String key, long fallback) {
        var text = env.get(key);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=\"" + text + "\" is not a whole number");
        }
    }
}
