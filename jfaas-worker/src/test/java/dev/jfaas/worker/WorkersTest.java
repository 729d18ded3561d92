package dev.jfaas.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WorkersTest {

    private static int[] shares(int concurrency, int lanes) {
        return IntStream.range(0, lanes).map(lane -> Workers.laneShare(concurrency, lanes, lane)).toArray();
    }

    @Test
    void lanesShareAQueuesConcurrencyExactly() {
        assertThat(shares(3, 2)).containsExactly(2, 1);
        assertThat(shares(16, 2)).containsExactly(8, 8);
        assertThat(shares(1, 4)).containsExactly(1, 0, 0, 0);
        assertThat(shares(7, 3)).containsExactly(3, 2, 2);
        for (int concurrency = 1; concurrency < 50; concurrency++) {
            for (int lanes = 1; lanes < 9; lanes++) {
                assertThat(IntStream.of(shares(concurrency, lanes)).sum()).isEqualTo(concurrency);
            }
        }
    }
}
