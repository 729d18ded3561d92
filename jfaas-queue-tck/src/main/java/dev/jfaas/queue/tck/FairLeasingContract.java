package dev.jfaas.queue.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.FunctionRoom;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueuedCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The order of a queue shared by several functions, which every backend keeps (SPEC §5.2: one
 * busy function does not block the rest): functions take turns, each at most its room, each in
 * its own priority order; a call the function pushed back comes again without using an attempt.
 */
interface FairLeasingContract {

    FunctionName SLOW = FunctionName.of("slow", null);
    FunctionName QUICK = FunctionName.of("quick", null);
    Duration LEASE = Duration.ofSeconds(30);

    CallQueue queue();

    /** Stores a call of {@code function} at {@code priority} in the default queue; its id. */
    String enqueueCall(FunctionName function, int priority);

    private List<Lease> lease(int max, FunctionRoom room) {
        return queue().lease(QueuedCall.DEFAULT_QUEUE, max, LEASE, room).join();
    }

    private static List<FunctionName> functions(List<Lease> leases) {
        return leases.stream().map(l -> l.call().function()).toList();
    }

    @Test
    default void aBacklogOfOneFunctionDoesNotHoldUpAnother() {
        for (int i = 0; i < 60; i++) {
            enqueueCall(SLOW, 0);
        }
        var quick = enqueueCall(QUICK, 0);
        var leases = lease(4, FunctionRoom.ANY);
        assertThat(leases).hasSize(4);
        assertThat(leases).extracting(l -> l.call().callId()).contains(quick);
    }

    @Test
    default void functionsTakeTurnsFromOneLeaseToTheNext() {
        for (int i = 0; i < 5; i++) {
            enqueueCall(SLOW, 0);
        }
        for (int i = 0; i < 3; i++) {
            enqueueCall(QUICK, 0);
        }
        var order = new ArrayList<FunctionName>();
        for (int i = 0; i < 6; i++) {
            order.addAll(functions(lease(1, FunctionRoom.ANY)));
        }
        assertThat(order).hasSize(6);
        for (int i = 1; i < order.size(); i++) {
            assertThat(order.get(i)).as("turn %d of %s", i, order).isNotEqualTo(order.get(i - 1));
        }
        assertThat(functions(lease(10, FunctionRoom.ANY))).containsExactly(SLOW, SLOW);
    }

    @Test
    default void aLeaseTakesNoMoreOfAFunctionThanItsRoom() {
        for (int i = 0; i < 10; i++) {
            enqueueCall(SLOW, 0);
            enqueueCall(QUICK, 0);
        }
        var leases = lease(10, FunctionRoom.of(Map.of(SLOW, 2)));
        assertThat(functions(leases)).filteredOn(SLOW::equals).hasSize(2);
        assertThat(functions(leases)).filteredOn(QUICK::equals).hasSize(8);
        assertThat(functions(lease(10, FunctionRoom.of(Map.of(SLOW, 0, QUICK, 1))))).containsExactly(QUICK);
    }

    @Test
    default void withinAFunctionHigherPriorityStillComesFirst() {
        enqueueCall(SLOW, 0);
        var urgent = enqueueCall(SLOW, 9);
        enqueueCall(QUICK, 0);
        var leases = lease(10, FunctionRoom.of(Map.of(SLOW, 1)));
        assertThat(leases).extracting(l -> l.call().callId()).contains(urgent);
    }

    @Test
    default void aCallPushedBackComesAgainWithoutUsingAnAttempt() {
        var id = enqueueCall(SLOW, 0);
        var first = lease(1, FunctionRoom.ANY).getFirst();
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(queue().pushBack(first, Instant.now()).join()).isTrue();
        assertThat(queue().record(id).join().orElseThrow().status()).isIn(CallStatus.QUEUED, CallStatus.RETRYING);
        assertThat(queue().pushBack(first, Instant.now()).join()).as("its lease is given up").isFalse();
        var again = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> lease(1, FunctionRoom.ANY), l -> !l.isEmpty()).getFirst();
        assertThat(again.call().callId()).isEqualTo(id);
        assertThat(again.attempt()).as("the push-back did not count").isEqualTo(1);
        assertThat(queue().record(id).join().orElseThrow().attempts()).isEqualTo(1);
    }
}
