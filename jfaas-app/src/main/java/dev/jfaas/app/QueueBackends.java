package dev.jfaas.app;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.memory.MemoryCallQueue;
import dev.jfaas.queue.nats.NatsCallQueue;
import dev.jfaas.queue.nats.NatsSettings;
import dev.jfaas.queue.redis.RedisCallQueue;
import dev.jfaas.queue.redis.RedisSettings;
import dev.jfaas.queue.sqlite.SqliteCallQueue;
import dev.jfaas.store.sqlite.StoreSettings;
import java.util.List;

/**
 * The call queues a gateway can use, one line each: what {@code JFAAS_QUEUE} value names it and
 * how it opens. A new backend is a new module and a line here.
 */
final class QueueBackends {

    /** How one backend opens; {@code url} is the broker's for a broker, else null. */
    @FunctionalInterface
    interface Opener {
        CallQueue open(String url, QueueSettings queue, StoreSettings store);
    }

    /**
     * @param name       the {@code JFAAS_QUEUE} value naming it (a broker's also as {@code name://host:port})
     * @param kind       its name for people and health checks (no URL: it may hold a password)
     * @param broker     a server every gateway and worker pointed at it shares (a bare name's URL is
     *                   a setting: QueueSettings' JFAAS_NATS_URL, JFAAS_REDIS_URL)
     */
    record Backend(String name, String kind, boolean broker, Opener opener) {

        boolean names(String value) {
            return value.equals(name) || broker() && value.startsWith(name + "://");
        }
    }

    static final List<Backend> BACKENDS = List.of(
            new Backend("embedded", "sqlite", false, (url, queue, store) -> SqliteCallQueue.open(store.dataDir(), store.durability())),
            new Backend("memory", "memory", false, (url, queue, store) -> new MemoryCallQueue()),
            new Backend("nats", "nats", true, (url, queue, store) -> {
                var settings = NatsSettings.of(url, queue.prefix());
                return NatsCallQueue.connect(queue.ackWait() == null ? settings : settings.withRedeliverAfter(queue.ackWait()));
            }),
            new Backend("redis", "redis", true, (url, queue, store) -> {
                var settings = RedisSettings.of(url, queue.prefix());
                return RedisCallQueue.connect(new RedisSettings(url, queue.prefix(), settings.requestTimeout(), settings.recordTtl(),
                        queue.ackWait() == null ? settings.redeliverAfter() : queue.ackWait()));
            }));

    private QueueBackends() {}

    /** @throws IllegalArgumentException naming every value that would do */
    static Backend named(String value) {
        return BACKENDS.stream().filter(backend -> backend.names(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("use embedded (durable, default), memory, "
                        + "nats://host:port or redis://host:port"));
    }

    /** Opens the queue these settings name. */
    static CallQueue open(QueueSettings queue, StoreSettings store) {
        var backend = named(queue.queue());
        return backend.opener().open(backend.broker() ? queue.brokerUrl() : null, queue, store);
    }

    /** Opens a broker's queue, for a standalone worker. @param url {@code nats://...} or {@code redis://...} */
    static CallQueue openBroker(String url, QueueSettings queue) {
        var backend = named(url);
        if (!backend.broker() || url.equals(backend.name())) {
            throw new IllegalArgumentException("broker URL \"" + url + "\": use nats://host:port or redis://host:port");
        }
        return backend.opener().open(url, queue, null);
    }
}
