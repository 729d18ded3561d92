package dev.jfaas.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.tck.BrokerAvailability;
import dev.jfaas.queue.tck.SharedCallQueueContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void loadCountsUnfinishedCallsAndDeadLettersFromTheScripts() {
        enqueue(call(FN, 0));
        enqueue(call(FN, 5));
        enqueue(call(OTHER, 0));
        var leases = queue.lease(Q, 10, LEASE, Set.of(OTHER)).join();
        queue.finish(leases.getFirst(), CallStatus.DEAD, response(500, "x"), "dead").join();
        var load = queue.load().join();
        var fn = load.stream().filter(s -> s.function().equals("fn")).findFirst().orElseThrow();
        var other = load.stream().filter(s -> s.function().equals("other")).findFirst().orElseThrow();
        assertThat(fn.depth()).as("the leased call that is still running counts too").isEqualTo(1);
        assertThat(fn.dead()).isEqualTo(1);
        assertThat(other.depth()).isEqualTo(1);
        assertThat(other.oldestAgeSeconds()).isGreaterThanOrEqualTo(0);
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
