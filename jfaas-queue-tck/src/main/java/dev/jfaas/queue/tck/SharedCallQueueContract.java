package dev.jfaas.queue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.FunctionRoom;
import dev.jfaas.queue.CallStatus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * What a queue shared by several processes must add to {@link CallQueueContract}: a second
 * connection to the same broker sees the first one's calls, hears when new ones arrive, and the
 * load is counted by the broker.
 */
public abstract class SharedCallQueueContract extends CallQueueContract {

    /** Another connection to the queue {@link #newQueue()} last opened, as another process would have. */
    protected abstract CallQueue otherConnection();

    @Test
    void aCallQueuedThroughOneConnectionIsRunAndReadThroughAnother() {
        try (var other = otherConnection()) {
            var id = enqueue(call(FN, 0));
            var lease = other.lease(Q, 10, LEASE, FunctionRoom.ANY).join();
            assertThat(lease).extracting(l -> l.call().callId()).containsExactly(id);
            assertThat(other.finish(lease.getFirst(), CallStatus.SUCCEEDED, response(200, "done"), null).join()).isTrue();
            assertThat(queue.result(id).join()).isPresent();
            assertThat(status(id)).isEqualTo(CallStatus.SUCCEEDED);
        }
    }

    @Test
    void anotherConnectionHearsOfNewCalls() throws Exception {
        try (var other = otherConnection()) {
            var heard = new ConcurrentLinkedQueue<String>();
            try (var listening = other.onArrival(heard::add)) {
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    enqueue(call(FN, 0, "announced", null)); // again until heard: the subscription may still be on its way
                    return heard.contains("announced");
                });
            }
        }
    }

    /** Two processes queueing the same keyed call at the same instant (a cron firing seen by two gateways): one is stored. */
    @Test
    void oneKeyQueuedAtOnceThroughTwoConnectionsIsStoredOnce() {
        try (var other = otherConnection()) {
            for (int round = 0; round < 20; round++) {
                var key = "firing-" + round;
                var one = queue.enqueue(call(FN, 0, Q, key));
                var two = other.enqueue(call(FN, 0, Q, key));
                var kinds = java.util.List.of(one.join().kind(), two.join().kind());
                assertThat(kinds).as("round %d", round).containsOnlyOnce(dev.jfaas.queue.Accepted.Kind.NEW);
                assertThat(one.join().callId()).isEqualTo(two.join().callId());
            }
            assertThat(queue.lease(Q, 100, LEASE, FunctionRoom.ANY).join()).hasSize(20);
        }
    }

    /** A shared queue answers the autoscaler from the broker's own counts: running calls count as waiting. */
    @Test
    void loadCountsUnfinishedCallsAndDeadLetters() {
        enqueue(call(FN, 0));
        enqueue(call(FN, 5));
        enqueue(call(OTHER, 0));
        var leases = queue.lease(Q, 10, LEASE, FunctionRoom.skipping(Set.of(OTHER))).join();
        queue.finish(leases.getFirst(), CallStatus.DEAD, response(500, "x"), "dead").join();
        var load = queue.load().join();
        var fn = load.stream().filter(s -> s.function().equals("fn")).findFirst().orElseThrow();
        var other = load.stream().filter(s -> s.function().equals("other")).findFirst().orElseThrow();
        assertThat(fn.depth()).as("the leased call that is still running counts too").isEqualTo(1);
        assertThat(fn.dead()).isEqualTo(1);
        assertThat(other.depth()).isEqualTo(1);
        assertThat(other.namespace()).isEqualTo("openfaas-fn");
        assertThat(other.oldestAgeSeconds()).isGreaterThanOrEqualTo(0);
    }
}
