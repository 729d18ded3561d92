package dev.jfaas.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    @Test
    void defaultsFollowTheSpec() {
        var policy = RetryPolicy.of(Map.of());
        assertThat(policy).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(policy.maxAttempts()).isEqualTo(5);
        assertThat(policy.retryCodes()).containsExactlyInAnyOrder(408, 429, 500, 502, 503, 504);
        assertThat(policy.retries(404, false)).isFalse();
        assertThat(policy.retries(404, true)).as("errors made by jfaas are always retried").isTrue();
    }

    @Test
    void annotationsOverride() {
        var policy = RetryPolicy.of(Map.of("com.openfaas.retry.attempts", "3", "com.openfaas.retry.codes", "429, 503",
                "com.openfaas.retry.min_wait", "200ms", "com.openfaas.retry.max_wait", "2s", "com.jfaas.retry.max_age", "1h"));
        assertThat(policy).isEqualTo(new RetryPolicy(3, java.util.Set.of(429, 503), Duration.ofMillis(200),
                Duration.ofSeconds(2), Duration.ofHours(1)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"com.openfaas.retry.attempts;0", "com.openfaas.retry.attempts;many",
        "com.openfaas.retry.codes;abc", "com.openfaas.retry.codes;99", "com.openfaas.retry.min_wait;soon",
        "com.openfaas.retry.max_wait;1ms", "com.jfaas.retry.max_age;x"})
    void invalidAnnotationsAreRejected(String key, String value) {
        assertThatThrownBy(() -> RetryPolicy.of(Map.of(key, value))).isInstanceOf(RequestRejected.Invalid.class);
    }

    @Test
    void backoffGrowsExponentiallyWithFullJitterUpToMaxWait() {
        var policy = RetryPolicy.DEFAULT;
        var random = new Random(1);
        for (int attempt = 1; attempt <= 10; attempt++) {
            long cap = Math.min(60_000, 1000L << (attempt - 1));
            for (int i = 0; i < 50; i++) {
                assertThat(policy.backoff(attempt, null, random).toMillis()).isBetween(1000L, cap);
            }
        }
    }

    @Test
    void retryAfterReplacesTheBackoffButNotBelowMinWait() {
        var policy = RetryPolicy.DEFAULT;
        assertThat(policy.backoff(1, Duration.ofSeconds(7), new Random())).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.backoff(1, Duration.ZERO, new Random())).isEqualTo(Duration.ofSeconds(1));
    }
}
