package dev.jfaas.queue.nats;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.tck.BrokerAvailability;
import dev.jfaas.queue.tck.SharedCallQueueContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite against the real NATS server: each test its own prefix, so runs never meet. */
class NatsCallQueueTest extends SharedCallQueueContract {

    static final String URL = System.getenv().getOrDefault("JFAAS_TEST_NATS_URL", NatsSettings.DEFAULT_URL);

    @BeforeAll
    static void serverIsThere() {
        BrokerAvailability.require("NATS JetStream", URL);
    }

    private String prefix;

    @Override
    protected CallQueue newQueue() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 12);
        return NatsCallQueue.connect(NatsSettings.of(URL, prefix));
    }

    @Override
    protected CallQueue otherConnection() {
        return NatsCallQueue.connect(NatsSettings.of(URL, prefix));
    }

    @AfterEach
    void removeStreams() throws Exception {
        NatsTestServer.removeStreams(URL, prefix);
    }
}
