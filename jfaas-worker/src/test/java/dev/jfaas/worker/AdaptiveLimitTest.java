package dev.jfaas.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {

    static final long NOW = 1_000_000_000L;

    @Test
    void aPushBackCutsToAQuarterLessThanRanAndSuccessesAddOnePerLimitsWorthOfCalls() {
        var limit = new AdaptiveLimit(8);
        limit.pushedBack(8);
        assertThat(limit.value(NOW)).isEqualTo(6);
        for (int i = 0; i < 7; i++) {
            limit.succeeded();
        }
        assertThat(limit.value(NOW)).as("a limit's worth of calls (each adds 1/limit): one more").isEqualTo(7);
    }

    @Test
    void theRejectionsOfOneOverloadBringItDownToAboutWhatTheFunctionTakes() {
        // 16 sent to a function that takes 4: 12 turned away, concluded one by one as their slots free
        var limit = new AdaptiveLimit(16);
        for (int running = 16; running > 4; running--) {
            limit.pushedBack(running);
        }
        assertThat(limit.value(NOW)).as("3/4 of the 5 running at the last push-back").isEqualTo(3);
        limit.pushedBack(5);
        assertThat(limit.value(NOW)).as("one over again: not cut below that").isEqualTo(3);
    }

    @Test
    void itNeverGoesBelowOneAndARetryAfterPausesIt() {
        var limit = new AdaptiveLimit(1);
        limit.pushedBack(1);
        assertThat(limit.value(NOW)).isEqualTo(1);
        limit.pauseUntil(NOW + 2_000_000_000L);
        assertThat(limit.value(NOW + 1_000_000_000L)).isZero();
        assertThat(limit.value(NOW + 2_000_000_001L)).isEqualTo(1);
    }

    @Test
    void grownPastTheFunctionsOwnLimitItIsOutgrown() {
        var limit = new AdaptiveLimit(2);
        assertThat(limit.outgrown(4)).isFalse();
        for (int i = 0; i < 20; i++) {
            limit.succeeded();
        }
        assertThat(limit.outgrown(4)).isTrue();
    }
}
