package dev.jfaas.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    @Test
    void waitsDoubleFromTheFirstUpToTheCap() {
        assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.after(8)).isEqualTo(Duration.ofMillis(25_600));
        assertThat(backoff.after(9)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.after(10_000)).as("no overflow").isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.after(0)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void jitterStaysBetweenTheFirstWaitAndTheDoubledOne() {
        var random = new Random(7);
        for (int retry = 1; retry < 20; retry++) {
            for (int i = 0; i < 100; i++) {
                assertThat(backoff.jittered(retry, random)).isBetween(Duration.ofMillis(200), backoff.after(retry));
            }
        }
    }

    @Test
    void aBackoffThatCannotWaitIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
