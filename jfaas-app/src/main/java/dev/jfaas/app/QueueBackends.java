package dev.jfaas.app;

import dev.jfaas.function.DurationText;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.memory.MemoryCallQueue;
import dev.jfaas.queue.nats.NatsCallQueue;
import dev.jfaas.queue.nats.NatsSettings;
import dev.jfaas.queue.redis.RedisCallQueue;
import dev.jfaas.queue.redis.RedisSettings;
import dev.jfaas.queue.sqlite.SqliteCallQueue;
import dev.jfaas.store.sqlite.Durability;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens the call queue {@code JFAAS_QUEUE} names: {@code embedded} (SQLite, durable, one
 * machine), {@code memory}, or a broker shared by every gateway and worker pointed at it:
 * {@code nats://host:port} (JetStream) or {@code redis://host:port} (Streams); plain {@code nats}
 * or {@code redis} take the URL from {@code JFAAS_NATS_URL} / {@code JFAAS_REDIS_URL}. On a broker,
 * {@code JFAAS_QUEUE_PREFIX} (default {@code jfaas}) starts every name, so installations can share
 * a server, and {@code JFAAS_QUEUE_ACK_WAIT} (default 30s on NATS, the default lease time, and
 * 60s on Redis) is how long a delivery fetched by a process that died is left before another takes it.
 */
final class QueueBackends {

    private QueueBackends() {}

    static CallQueue open(String queue, Map<String, String> env, Path dataDir, Durability durability) {
        if (queue.equals("embedded")) {
            return SqliteCallQueue.open(dataDir, durability);
        }
        if (queue.equals("memory")) {
            return new MemoryCallQueue();
        }
        if (isBroker(queue)) {
            return openBroker(brokerUrl(queue, env), env);
        }
        throw new IllegalArgumentException("JFAAS_QUEUE=" + queue
                + " is not a queue backend: use embedded (durable, default), memory, nats://host:port or redis://host:port");
    }

    static boolean isBroker(String queue) {
        return queue.equals("nats") || queue.equals("redis") || queue.startsWith("nats://") || queue.startsWith("redis://");
    }

    /** The backend's name for people (no URL: it may hold a password). */
    static String kind(String queue) {
        if (queue.equals("embedded")) {
            return "sqlite";
        }
        return queue.startsWith("nats") ? "nats" : queue.startsWith("redis") ? "redis" : queue;
    }

    /** The broker URL a broker-naming {@code JFAAS_QUEUE} value stands for. */
    static String brokerUrl(String queue, Map<String, String> env) {
        return switch (queue) {
            case "nats" -> env.getOrDefault("JFAAS_NATS_URL", NatsSettings.DEFAULT_URL);
            case "redis" -> env.getOrDefault("JFAAS_REDIS_URL", RedisSettings.DEFAULT_URL);
            default -> queue;
        };
    }

    /** @param url {@code nats://...} or {@code redis://...} */
    static CallQueue openBroker(String url, Map<String, String> env) {
        var prefix = env.getOrDefault("JFAAS_QUEUE_PREFIX", NatsSettings.DEFAULT_PREFIX);
        var ackWait = env.get("JFAAS_QUEUE_ACK_WAIT");
        if (url.startsWith("nats://")) {
            var settings = NatsSettings.of(url, prefix);
            return NatsCallQueue.connect(settings.withRedeliverAfter(
                    DurationText.parseOr("JFAAS_QUEUE_ACK_WAIT", ackWait, settings.redeliverAfter())));
        }
        if (url.startsWith("redis://")) {
            var settings = RedisSettings.of(url, prefix);
            return RedisCallQueue.connect(new RedisSettings(url, prefix, settings.requestTimeout(), settings.recordTtl(),
                    DurationText.parseOr("JFAAS_QUEUE_ACK_WAIT", ackWait, settings.redeliverAfter())));
        }
        throw new IllegalArgumentException("broker URL \"" + url + "\": use nats://host:port or redis://host:port");
    }
}
