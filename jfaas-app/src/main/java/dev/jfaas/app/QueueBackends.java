package dev.jfaas.app;

import dev.jfaas.function.DurationText;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.memory.MemoryCallQueue;
import dev.jfaas.queue.nats.NatsCallQueue;
import dev.jfaas.queue.nats.NatsSettings;
import dev.jfaas.queue.sqlite.SqliteCallQueue;
import dev.jfaas.store.sqlite.Durability;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens the call queue {@code JFAAS_QUEUE} names: {@code embedded} (SQLite, durable, one
 * machine), {@code memory}, or {@code nats} (JetStream, shared by every gateway and worker
 * pointed at it: {@code JFAAS_NATS_URL}, {@code JFAAS_NATS_PREFIX}, {@code JFAAS_NATS_ACK_WAIT}).
 */
final class QueueBackends {

    private QueueBackends() {}

    static CallQueue open(String kind, Map<String, String> env, Path dataDir, Durability durability) {
        return switch (kind) {
            case "embedded" -> SqliteCallQueue.open(dataDir, durability);
            case "memory" -> new MemoryCallQueue();
            case "nats" -> NatsCallQueue.connect(natsSettings(env));
            default -> throw new IllegalArgumentException("JFAAS_QUEUE=" + kind
                    + " is not a queue backend: use embedded (durable, default), memory or nats");
        };
    }

    static NatsSettings natsSettings(Map<String, String> env) {
        var settings = NatsSettings.of(env.getOrDefault("JFAAS_NATS_URL", NatsSettings.DEFAULT_URL),
                env.getOrDefault("JFAAS_NATS_PREFIX", NatsSettings.DEFAULT_PREFIX));
        return settings.withRedeliverAfter(DurationText.parseOr("JFAAS_NATS_ACK_WAIT", env.get("JFAAS_NATS_ACK_WAIT"),
                settings.redeliverAfter()));
    }
}
