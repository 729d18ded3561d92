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
        int eventLoops) {

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
                DurationText.parseOr("JFAAS_SCALE_FROM_ZERO_TIMEOUT", env.get("JFAAS_SCALE_FROM_ZERO_TIMEOUT"), Duration.ofSeconds(60)),
                intValue(env, "JFAAS_EVENT_LOOPS", Runtime.getRuntime().availableProcessors()));
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(newPort, dataDir, basicAuth, basicAuthUser, basicAuthPassword, secretMountPath,
                maxBodySize, scaleFromZeroTimeout, eventLoops);
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
