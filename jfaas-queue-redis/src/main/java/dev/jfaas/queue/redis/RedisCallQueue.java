package dev.jfaas.queue.redis;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.document.DocumentCallQueue;

/**
 * The call queue on Redis Streams: a {@link DocumentCallQueue} over {@link RedisBroker}. A stream
 * per named queue and priority read by one consumer group, a sorted set per stream for deliveries
 * handed back until later, XAUTOCLAIM for deliveries of dead workers, documents and results in
 * hashes with a TTL, dead letters in one stream.
 */
public final class RedisCallQueue {

    private RedisCallQueue() {}

    public static CallQueue connect(RedisSettings settings) {
        return new DocumentCallQueue(RedisBroker.connect(settings));
    }
}
