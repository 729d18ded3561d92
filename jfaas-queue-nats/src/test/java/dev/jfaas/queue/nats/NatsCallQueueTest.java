package dev.jfaas.queue.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.tck.BrokerAvailability;
import dev.jfaas.queue.tck.SharedCallQueueContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void loadCountsUnfinishedCallsAndDeadLettersFromTheStreams() {
        enqueue(call(FN, 0));
        enqueue(call(FN, 5));
        enqueue(call(OTHER, 0));
        var leases = queue.lease(Q, 10, LEASE, java.util.Set.of(OTHER)).join();
        queue.finish(leases.getFirst(), CallStatus.DEAD, response(500, "x"), "dead").join();
        var load = queue.load().join();
        var fn = load.stream().filter(s -> s.function().equals("fn")).findFirst().orElseThrow();
        var other = load.stream().filter(s -> s.function().equals("other")).findFirst().orElseThrow();
        assertThat(fn.depth()).as("the leased call that is still running counts too").isEqualTo(1);
        assertThat(fn.dead()).isEqualTo(1);
        assertThat(other.depth()).isEqualTo(1);
        assertThat(other.namespace()).isEqualTo("openfaas-fn");
    }

    @AfterEach
    void removeStreams() throws Exception {
        NatsTestServer.removeStreams(URL, prefix);
    }
}
