package dev.jfaas.health;

import java.util.List;
import java.util.Optional;

/**
 * The parts of one gateway that /healthz answers for, each by name, so that /system/health (and
 * the portal) can say which part is failing and not only that one is.
 */
public record HealthChecks(List<Check> checks) implements Health {

    /** @param kind what the part is made of here ("sqlite", "nats", "bwrap"...), for people reading it */
    public record Check(String part, String kind, Health health) {}

    /** One part's state as reported: {@code problem} is empty while it works. */
    public record State(String part, String kind, boolean healthy, String problem) {}

    public HealthChecks {
        checks = List.copyOf(checks);
    }

    @Override
    public Optional<String> problem() {
        return checks.stream().flatMap(c -> c.health().problem().map(p -> c.part() + ": " + p).stream()).findFirst();
    }

    public List<State> states() {
        return checks.stream().map(c -> {
            var problem = c.health().problem();
            return new State(c.part(), c.kind(), problem.isEmpty(), problem.orElse(""));
        }).toList();
    }
}
