package dev.jfaas.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** Stopping a call: every registered way of stopping it runs once, in order, late ones at once. */
class CancellationTest {

    @Test
    void everyHandlerRunsOnceInTheOrderRegistered() {
        var cancellation = new Cancellation();
        var ran = new ArrayList<String>();
        cancellation.onCancel(() -> ran.add("upstream"));
        cancellation.onCancel(() -> ran.add("process"));
        cancellation.onCancel(() -> ran.add("timer"));
        assertThat(ran).isEmpty();
        assertThat(cancellation.isCancelled()).isFalse();
        cancellation.cancel();
        cancellation.cancel();
        assertThat(ran).containsExactly("upstream", "process", "timer");
        assertThat(cancellation.isCancelled()).isTrue();
    }

    @Test
    void aHandlerRegisteredAfterTheCancelRunsAtOnce() {
        var cancellation = new Cancellation();
        var ran = new ArrayList<String>();
        cancellation.onCancel(() -> ran.add("first"));
        cancellation.cancel();
        cancellation.onCancel(() -> ran.add("late"));
        assertThat(ran).containsExactly("first", "late");
    }
}
