package dev.jfaas.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerdictTest {

    private static final RetryPolicy POLICY = new RetryPolicy(3, Set.of(429, 500, 503), Duration.ofSeconds(1),
            Duration.ofSeconds(4), Duration.ofMinutes(1));
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static Verdict verdict(int status, boolean internal, int attempt, Instant acceptedAt) {
        return Verdict.of(status, internal, true, null, attempt, 3, acceptedAt, POLICY, NOW, new Random(3));
    }

    @Test
    void successAndUnretriedErrorsEndTheCall() {
        assertThat(verdict(200, false, 1, NOW)).isEqualTo(new Verdict.Done(true));
        assertThat(verdict(302, false, 1, NOW)).isEqualTo(new Verdict.Done(true));
        assertThat(verdict(404, false, 1, NOW)).isEqualTo(new Verdict.Done(false));
        assertThat(verdict(502, false, 1, NOW)).as("502 is not in this function's codes").isEqualTo(new Verdict.Done(false));
    }

    @Test
    void retryableErrorsWaitWithinTheBackoff() {
        var verdict = verdict(500, false, 2, NOW);
        assertThat(verdict).isInstanceOf(Verdict.Retry.class);
        var wait = Duration.between(NOW, ((Verdict.Retry) verdict).notBefore());
        assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(verdict(404, true, 1, NOW)).as("jfaas's own errors are retried").isInstanceOf(Verdict.Retry.class);
    }

    @Test
    void outOfAttemptsOrAgeIsADeadLetter() {
        assertThat(verdict(500, false, 3, NOW)).isInstanceOf(Verdict.Dead.class);
        assertThat(verdict(500, false, 1, NOW.minus(Duration.ofMillis(59_500)))).isInstanceOf(Verdict.Dead.class);
        assertThat(((Verdict.Dead) verdict(500, false, 3, NOW)).why()).contains("3 attempts");
    }

    @Test
    void aBusyFunctionIsPushedBackWithoutUsingAnAttempt() {
        var verdict = verdict(429, false, 3, NOW);
        assertThat(verdict).as("its last attempt, but busy is not failing").isInstanceOf(Verdict.PushBack.class);
        var wait = Duration.between(NOW, ((Verdict.PushBack) verdict).notBefore());
        assertThat(wait).isBetween(Duration.ofMillis(50), Duration.ofMillis(250));
        assertThat(verdict(503, false, 3, NOW)).as("a 503 of the function's own").isInstanceOf(Verdict.PushBack.class);
        assertThat(verdict(429, true, 3, NOW)).as("jfaas's own limit is back-pressure too").isInstanceOf(Verdict.PushBack.class);
        assertThat(verdict(503, true, 3, NOW)).as("jfaas's 503 (no replica) is an error").isInstanceOf(Verdict.Dead.class);
    }

    @Test
    void aRetryAfterSetsThePushBackAndAgeStillBoundsIt() {
        var verdict = Verdict.of(429, false, true, Duration.ofSeconds(7), 1, 3, NOW, POLICY, NOW, new Random(3));
        assertThat(((Verdict.PushBack) verdict).notBefore()).isEqualTo(NOW.plusSeconds(7));
        assertThat(Verdict.of(429, false, true, Duration.ofSeconds(7), 1, 3, NOW.minusSeconds(55), POLICY, NOW, new Random(3)))
                .isInstanceOf(Verdict.Dead.class);
    }

    @Test
    void withoutAdaptationABusyFunctionIsAFailedAttempt() {
        var verdict = Verdict.of(429, false, false, null, 1, 3, NOW, POLICY, NOW, new Random(3));
        assertThat(verdict).isInstanceOf(Verdict.Retry.class);
        assertThat(Verdict.of(429, false, false, null, 3, 3, NOW, POLICY, NOW, new Random(3))).isInstanceOf(Verdict.Dead.class);
    }
}
