package dev.jfaas.gateway;

import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the gateway's HTTP side is told: its port, auth, body and connection bounds, and
 * gateway-wide admission. Every setting has a default that works on a laptop.
 *
 * @param port HTTP port, 0 to pick a free one
 * @param eventLoops Vert.x event loops serving HTTP (default: one per core)
 * @param gatewayMaxInflight calls forwarded at once by this gateway; more wait
 * @param gatewayMaxQueued calls that may wait for the gateway; more get 503
 */
public record GatewayConfig(
        int port,
        boolean basicAuth,
        String basicAuthUser,
        String basicAuthPassword,
        Path secretMountPath,
        long maxBodySize,
        long maxAsyncBodySize,
        long spoolSize,
        Duration scaleFromZeroTimeout,
        int eventLoops,
        int gatewayMaxInflight,
        int gatewayMaxQueued,
        Duration gatewayQueueTimeout,
        ConnectionLimits.Settings connections,
        Duration idleTimeout) {

    public static final Setting<Integer> PORT = Setting.integer("JFAAS_PORT", 8080, 0, 65535,
            "HTTP port; `0` picks a free one");
    public static final Setting<Boolean> BASIC_AUTH = Setting.flag("JFAAS_BASIC_AUTH", true,
            "basic auth on `/system/*` and `/ui`");
    public static final Setting<String> BASIC_AUTH_USER = Setting.text("JFAAS_BASIC_AUTH_USER", "admin",
            "the admin's user name; a `basic-auth-user` file in `JFAAS_SECRET_MOUNT_PATH` wins");
    public static final Setting<String> BASIC_AUTH_PASSWORD = Setting.text("JFAAS_BASIC_AUTH_PASSWORD", null,
            "the admin's password; unset: generated on first start and kept in `basic-auth-password` in the data "
            + "directory; a `basic-auth-password` file in `JFAAS_SECRET_MOUNT_PATH` wins").secret();
    public static final Setting<String> SECRET_MOUNT_PATH = Setting.text("JFAAS_SECRET_MOUNT_PATH", null,
            "a directory holding `basic-auth-user` and `basic-auth-password` files (as OpenFaaS's `secret_mount_path`, "
            + "which is read when this is unset)")
            .derived("`$secret_mount_path`", settings -> settings.environment("secret_mount_path").orElse(null));
    public static final Setting<Long> MAX_BODY_SIZE = Setting.number("JFAAS_MAX_BODY_SIZE", 32L << 20, 0,
            "largest request body for a function call (bytes); over it: 413, whatever the framing");
    public static final Setting<Long> MAX_ASYNC_BODY_SIZE = Setting.number("JFAAS_MAX_ASYNC_BODY_SIZE", 0, 0,
            "largest async call body (bytes): it is held whole to be stored")
            .derived("a sixteenth of the heap (6 MB with the launcher's), at most `JFAAS_MAX_BODY_SIZE`",
                    settings -> Math.min(settings.get(MAX_BODY_SIZE), Runtime.getRuntime().maxMemory() / 16));
    public static final Setting<Long> SPOOL_SIZE = Setting.number("JFAAS_SPOOL_SIZE", 1L << 30, 0,
            "request bodies of sync calls held on disk at once (bytes), while they arrive: a body is read whole before "
            + "its call takes a slot, in memory up to 1 MB while an eighth of the heap lasts, else in the data directory's "
            + "`spool`; past this a call is 503 with Retry-After");
    public static final Setting<Duration> SCALE_FROM_ZERO_TIMEOUT = Setting.duration("JFAAS_SCALE_FROM_ZERO_TIMEOUT",
            Duration.ofSeconds(60), "how long a call waits for a replica to become ready");
    public static final Setting<Integer> EVENT_LOOPS = Setting.integer("JFAAS_EVENT_LOOPS", 1, 1, 1024,
            "HTTP event loops (and worker lanes)")
            .derived("cores", settings -> Runtime.getRuntime().availableProcessors());
    public static final Setting<Integer> MAX_INFLIGHT = Setting.integer("JFAAS_GATEWAY_MAX_INFLIGHT", 10_000, 1,
            Integer.MAX_VALUE, "calls the gateway forwards at once, all functions together; more wait");
    public static final Setting<Integer> MAX_QUEUED = Setting.integer("JFAAS_GATEWAY_MAX_QUEUED", 10_000, 0,
            Integer.MAX_VALUE, "calls that may wait for the gateway; more get 503 with Retry-After");
    public static final Setting<Duration> QUEUE_TIMEOUT = Setting.duration("JFAAS_GATEWAY_QUEUE_TIMEOUT",
            Duration.ofSeconds(30), "how long a call waits for the gateway before a 503");
    public static final Setting<Integer> MAX_CONNECTIONS = Setting.integer("JFAAS_MAX_CONNECTIONS", 256, 1,
            Integer.MAX_VALUE, "connections open at once; at the limit the oldest that has sent nothing for 250 ms makes "
            + "room, else new callers wait to be accepted until one closes")
            .derived("a fifth of the heap's worth (~2,200)", settings -> defaultMaxConnections());
    public static final Setting<Duration> HEADER_TIMEOUT = Setting.duration("JFAAS_HEADER_TIMEOUT",
            Duration.ofSeconds(10), "how long a new connection has to send its first request's headers");
    public static final Setting<Duration> BODY_TIMEOUT = Setting.duration("JFAAS_BODY_TIMEOUT",
            Duration.ofSeconds(30), "how long a request's whole body may take to arrive (else 408)");
    public static final Setting<Duration> IDLE_TIMEOUT = Setting.duration("JFAAS_IDLE_TIMEOUT",
            Duration.ofSeconds(60), "how long an idle keep-alive connection is kept");

    /** The gateway's settings, in the order the settings table shows them. */
    public static final List<Setting<?>> SETTINGS = List.of(PORT, BASIC_AUTH, BASIC_AUTH_USER, BASIC_AUTH_PASSWORD,
            SECRET_MOUNT_PATH, MAX_BODY_SIZE, MAX_ASYNC_BODY_SIZE, SPOOL_SIZE, MAX_CONNECTIONS, HEADER_TIMEOUT, BODY_TIMEOUT,
            IDLE_TIMEOUT, SCALE_FROM_ZERO_TIMEOUT, EVENT_LOOPS, MAX_INFLIGHT, MAX_QUEUED, QUEUE_TIMEOUT);

    public static GatewayConfig from(Settings settings) {
        var secrets = settings.get(SECRET_MOUNT_PATH);
        return new GatewayConfig(
                settings.get(PORT),
                settings.get(BASIC_AUTH),
                settings.get(BASIC_AUTH_USER),
                settings.get(BASIC_AUTH_PASSWORD),
                secrets == null ? null : Path.of(secrets),
                settings.get(MAX_BODY_SIZE),
                settings.get(MAX_ASYNC_BODY_SIZE),
                settings.get(SPOOL_SIZE),
                settings.get(SCALE_FROM_ZERO_TIMEOUT),
                settings.get(EVENT_LOOPS),
                settings.get(MAX_INFLIGHT),
                settings.get(MAX_QUEUED),
                settings.get(QUEUE_TIMEOUT),
                new ConnectionLimits.Settings(settings.get(MAX_CONNECTIONS), settings.get(HEADER_TIMEOUT),
                        settings.get(BODY_TIMEOUT)),
                settings.get(IDLE_TIMEOUT));
    }

    /**
     * An open connection costs about 8.5 KB of heap before it sends anything: a fifth of the heap
     * for connections, so the rest stays for calls (about 2,200 with the launcher's 96 MB).
     */
    static int defaultMaxConnections() {
        return (int) Math.max(256, Math.min(20_000, Runtime.getRuntime().maxMemory() / 5 / 8_704));
    }
}
