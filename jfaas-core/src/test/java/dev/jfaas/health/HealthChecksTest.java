package dev.jfaas.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.health.HealthChecks.Check;
import dev.jfaas.health.HealthChecks.State;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

    @Test
    void theFirstFailingPartIsNamedAndEachPartReportsItsOwnState() {
        var queue = new AtomicReference<Optional<String>>(Optional.empty());
        var checks = new HealthChecks(List.of(new Check("store", "sqlite", Optional::empty),
                new Check("queue", "nats", queue::get)));
        assertThat(checks.problem()).isEmpty();

        queue.set(Optional.of("broker unreachable"));

        assertThat(checks.problem()).contains("queue: broker unreachable");
        assertThat(checks.states()).containsExactly(new State("store", "sqlite", true, ""),
                new State("queue", "nats", false, "broker unreachable"));
    }
}
