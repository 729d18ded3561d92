package dev.jfaas.function;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A function's run settings, read from its environment exactly as the OpenFaaS of-watchdog reads
 * them, so existing functions keep working. Validated at deploy; a bad value is a 400 then, never
 * a surprise at call time. {@code max_queued} and {@code queue_timeout} are jfaas's own: how many
 * calls may wait for a slot when {@code max_inflight} are running, and for how long.
 * {@code write_debug} puts a forking function's stdout into its log too, as the watchdog does.
 */
public record WatchdogConfig(
        List<String> fprocess,
        WatchdogMode mode,
        Duration execTimeout,
        Duration readTimeout,
        Duration writeTimeout,
        int maxInflight,
        String contentType,
        String readyPath,
        int maxQueued,
        Duration queueTimeout,
        boolean writeDebug) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public static WatchdogConfig of(FunctionDeployment deployment) {
        Map<String, String> env = deployment.envVars();
        String process = deployment.envProcess() != null && !deployment.envProcess().isBlank()
                ? deployment.envProcess()
                : env.get("fprocess");
        if (process == null || process.isBlank()) {
            throw RequestRejected.invalid("fprocess is required: set envProcess or envVars.fprocess to the command to run");
        }
        var command = Arrays.stream(process.strip().split(" +")).toList();
        return new WatchdogConfig(
                command,
                WatchdogMode.parse(env.get("mode")),
                DurationText.parseOr("exec_timeout", env.get("exec_timeout"), DEFAULT_TIMEOUT),
                DurationText.parseOr("read_timeout", env.get("read_timeout"), DEFAULT_TIMEOUT),
                DurationText.parseOr("write_timeout", env.get("write_timeout"), DEFAULT_TIMEOUT),
                parseCount("max_inflight", env.get("max_inflight")),
                env.getOrDefault("content_type", ""),
                env.getOrDefault("ready_path", ""),
                env.containsKey("max_queued") ? parseCount("max_queued", env.get("max_queued")) : 1000,
                DurationText.parseOr("queue_timeout", env.get("queue_timeout"), DEFAULT_TIMEOUT),
                parseFlag("write_debug", env.get("write_debug")));
    }

    /** The same with another max_inflight (a provider's default where the function sets none). */
    public WatchdogConfig withMaxInflight(int calls) {
        return new WatchdogConfig(fprocess, mode, execTimeout, readTimeout, writeTimeout, calls, contentType, readyPath, maxQueued,
                queueTimeout, writeDebug);
    }

    /** As the watchdog reads booleans: true or false (absent is false). */
    private static boolean parseFlag(String what, String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw RequestRejected.invalid("invalid " + what + " \"" + text + "\": use true or false");
        };
    }

    private static int parseCount(String what, String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid " + what + " \"" + text + "\": use a whole number, 0 for unlimited");
    }
}
