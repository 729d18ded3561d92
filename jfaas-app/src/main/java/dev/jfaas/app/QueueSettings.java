package dev.jfaas.app;

import dev.jfaas.queue.nats.NatsSettings;
import dev.jfaas.queue.redis.RedisSettings;
import dev.jfaas.settings.Durations;
import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import java.time.Duration;
import java.util.List;

/**
 * Where async calls wait and how long what they leave is kept.
 *
 * @param queue     the {@code JFAAS_QUEUE} value: a backend's name, or a broker's URL
 * @param prefix    on a broker, what every stream, key and bucket name starts with
 * @param ackWait   on a broker, how long a delivery fetched by a process that died waits; null: the backend's own
 * @param natsUrl   the NATS server a bare {@code nats} means
 * @param redisUrl  the Redis server a bare {@code redis} means
 * @param resultTtl how long finished calls and their results are kept
 */
record QueueSettings(String queue, String prefix, Duration ackWait, String natsUrl, String redisUrl, Duration resultTtl) {

    static final Setting<String> QUEUE = Setting.parsed("JFAAS_QUEUE", "embedded", text -> {
        QueueBackends.named(text.strip());
        return text.strip();
    }, "where async calls wait: `embedded` (durable SQLite, `queue.db` in the data directory), `memory`, "
            + "`nats://host:port` (JetStream) or `redis://host:port` (Streams); bare `nats` or `redis` take "
            + "`JFAAS_NATS_URL` / `JFAAS_REDIS_URL`").urls();
    static final Setting<String> PREFIX = Setting.text("JFAAS_QUEUE_PREFIX", NatsSettings.DEFAULT_PREFIX,
            "on a broker: starts every stream, key and bucket name; gateways and workers of one installation share it");
    static final Setting<Duration> ACK_WAIT = new Setting<>("JFAAS_QUEUE_ACK_WAIT",
            "on a broker: how long a call fetched by a process that died waits before another takes it; on NATS, "
            + "leases of exactly this length save a write per call", "`30s` (NATS), `60s` (Redis)", Durations::parse,
            settings -> null, Setting.Shown.PLAIN);
    static final Setting<String> NATS_URL = Setting.text("JFAAS_NATS_URL", NatsSettings.DEFAULT_URL,
            "the NATS server `JFAAS_QUEUE=nats` means").urls();
    static final Setting<String> REDIS_URL = Setting.text("JFAAS_REDIS_URL", RedisSettings.DEFAULT_URL,
            "the Redis server `JFAAS_QUEUE=redis` means").urls();
    static final Setting<Duration> RESULT_TTL = Setting.duration("JFAAS_RESULT_TTL", Duration.ofHours(24),
            "how long finished calls and results are kept");

    static final List<Setting<?>> SETTINGS = List.of(QUEUE, PREFIX, ACK_WAIT, NATS_URL, REDIS_URL, RESULT_TTL);

    static QueueSettings from(Settings settings) {
        return new QueueSettings(settings.get(QUEUE), settings.get(PREFIX), settings.get(ACK_WAIT), settings.get(NATS_URL),
                settings.get(REDIS_URL), settings.get(RESULT_TTL));
    }

    /** Whether calls wait on a broker every gateway and worker pointed at it shares. */
    boolean onBroker() {
        return QueueBackends.named(queue).broker();
    }

    /** The backend's name for people (no URL: it may hold a password). */
    String kind() {
        return QueueBackends.named(queue).kind();
    }

    /** The broker URL {@code JFAAS_QUEUE} stands for. */
    String brokerUrl() {
        return switch (queue) {
            case "nats" -> natsUrl;
            case "redis" -> redisUrl;
            default -> queue;
        };
    }
}
