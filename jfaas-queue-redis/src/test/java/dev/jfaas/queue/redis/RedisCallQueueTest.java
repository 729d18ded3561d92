package dev.jfaas.queue.redis;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.tck.BrokerAvailability;
import dev.jfaas.queue.tck.SharedCallQueueContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite against the real Redis server: each test its own key prefix. */
class RedisCallQueueTest extends SharedCallQueueContract {

    static final String URL = System.getenv().getOrDefault("JFAAS_TEST_REDIS_URL", RedisSettings.DEFAULT_URL);

    private String prefix;

    @BeforeAll
    static void serverIsThere() {
        BrokerAvailability.require("Redis", URL);
    }

    @Override
    protected CallQueue newQueue() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 12);
        return RedisCallQueue.connect(RedisSettings.of(URL, prefix));
    }

    @Override
    protected CallQueue otherConnection() {
        return RedisCallQueue.connect(RedisSettings.of(URL, prefix));
    }

    @AfterEach
    void removeKeys() {
        var client = RedisClient.create(URL);
        try (var connection = client.connect()) {
            var redis = connection.sync();
            var keys = ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + ":*").limit(1000));
            while (keys.hasNext()) {
                redis.unlink(keys.next());
            }
        } finally {
            client.shutdown();
        }
    }
}
