package dev.jfaas.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The async side's counters, under the names SPEC §9 gives. */
final class WorkerMetrics {

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30)
    };

    private final MeterRegistry registry;

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Outcome: succeeded, failed, retried, dead, lost. */
    void attempt(String function, String outcome) {
        Counter.builder("jfaas_async_attempts").description("Async call attempts by outcome")
                .tags("function_name", function, "outcome", outcome).register(registry).increment();
    }

    void callback(String outcome) {
        Counter.builder("jfaas_callback").description("Callback deliveries by outcome")
                .tags("outcome", outcome).register(registry).increment();
    }

    void acceptToStart(String queue, Duration wait) {
        Timer.builder("jfaas_async_accept_to_start").description("Time from accept to first start of an async call")
                .tags("queue", queue).serviceLevelObjectives(BUCKETS).register(registry).record(wait);
    }
}
