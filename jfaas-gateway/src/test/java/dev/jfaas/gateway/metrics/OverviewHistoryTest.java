package dev.jfaas.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The overview's last hour: rates between samples, percentiles read between bucket bounds, a bounded ring. */
class OverviewHistoryTest {

    static final double[] BOUNDS = {5, 10, 25, 50, 100};

    static OverviewHistory.Totals totals(long calls, long failed, long[] buckets, long depth) {
        return new OverviewHistory.Totals(calls, failed, buckets, depth, 0);
    }

    @Test
    void aSampleIsTheRatesSinceThePreviousOne() {
        var history = new OverviewHistory(BOUNDS);
        history.sample(totals(100, 10, new long[] {0, 0, 0, 0, 100}, 0), 1_000);
        assertThat(history.columns().get("time")).as("the first only sets the start").isEmpty();
        // 50 more calls in 5 s, 5 failed: 40 under 10 ms, 10 between 25 and 50 ms
        history.sample(totals(150, 15, new long[] {20, 40, 40, 50, 150}, 7), 6_000);
        var columns = history.columns();
        assertThat(columns.get("time")).containsExactly(6.0);
        assertThat(columns.get("rate").getFirst().doubleValue()).isCloseTo(10.0, within(1e-9));
        assertThat(columns.get("errors").getFirst().doubleValue()).isCloseTo(1.0, within(1e-9));
        assertThat(columns.get("depth")).containsExactly(7L);
        // p50: the 25th of 50 calls, in the second bucket (5..10 ms), 5 of its 20: 6.25 ms
        assertThat(columns.get("p50").getFirst().doubleValue()).isCloseTo(6.25, within(1e-9));
        // p95: the 47.5th, in the fourth bucket (25..50 ms), 7.5 of its 10: 43.75 ms
        assertThat(columns.get("p95").getFirst().doubleValue()).isCloseTo(43.75, within(1e-9));
    }

    @Test
    void theRingKeepsTheNewestHourOldestFirst() {
        var history = new OverviewHistory(BOUNDS);
        for (int i = 0; i <= OverviewHistory.SIZE + 10; i++) {
            history.sample(totals(i, 0, new long[5], 0), 1_000L * (i + 1));
        }
        List<Number> times = history.columns().get("time");
        assertThat(times).hasSize(OverviewHistory.SIZE);
        assertThat(times.getFirst().doubleValue()).isEqualTo(12.0);
        assertThat(times.getLast().doubleValue()).isEqualTo(OverviewHistory.SIZE + 11.0);
    }

    @Test
    void noCallsMeanNoLatency() {
        var history = new OverviewHistory(BOUNDS);
        assertThat(history.quantile(new long[5], 0, 0.5)).isZero();
    }
}
