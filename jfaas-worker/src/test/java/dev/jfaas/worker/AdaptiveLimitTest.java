package dev.jfaas.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {

    static final long MS = 1_000_000;

    @Test
    void aPushBackHalvesWhatRunsAndSuccessesAddOnePerWindowOfCalls() {
        var limit = new AdaptiveLimit(8);
        limit.pushedBack(8, 1000 * MS);
        assertThat(limit.value(1000 * MS)).isEqualTo(4);
        for (int i = 0; i < 5; i++) {
            limit.succeeded(10 * MS);
        }
        assertThat(limit.value(2000 * MS)).as("a limit's worth of calls (each adds 1/limit): one more").isEqualTo(5);
    }

    @Test
    void theAnswersOfOneOverloadHalveItOnce() {
        var limit = new AdaptiveLimit(16);
        limit.pushedBack(16, 1000 * MS);
        limit.pushedBack(16, 1001 * MS);
        limit.pushedBack(16, 1002 * MS);
        assertThat(limit.value(1002 * MS)).isEqualTo(8);
        limit.pushedBack(8, 1100 * MS);
        assertThat(limit.value(1100 * MS)).as("a window later").isEqualTo(4);
    }

    @Test
    void itNeverGoesBelowOneAndARetryAfterPausesIt() {
        var limit = new AdaptiveLimit(1);
        limit.pushedBack(1, 1000 * MS);
        assertThat(limit.value(1000 * MS)).isEqualTo(1);
        limit.pauseUntil(3000 * MS);
        assertThat(limit.value(2000 * MS)).isZero();
        assertThat(limit.value(3001 * MS)).isEqualTo(1);
    }

    @Test
    void grownPastTheFunctionsOwnLimitItIsOutgrown() {
        var limit = new AdaptiveLimit(2);
        assertThat(limit.outgrown(4)).isFalse();
        for (int i = 0; i < 20; i++) {
            limit.succeeded(MS);
        }
        assertThat(limit.outgrown(4)).isTrue();
    }
}
