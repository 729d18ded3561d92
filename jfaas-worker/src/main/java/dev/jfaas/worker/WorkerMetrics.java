package dev.jfaas.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The async side's counters, under the names SPEC §9 gives; meters are looked up once, then cached. */
final class WorkerMetrics {

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30)
    };

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final java.util.Set<String> gauges = ConcurrentHashMap.newKeySet();

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Outcome: succeeded, failed, retried, dead, lost. */
    void attempt(String function, String outcome) {
        counters.computeIfAbsent(function + '|' + outcome, k -> Counter.builder("jfaas_async_attempts")
                .description("Async call attempts by outcome")
                .tags("function_name", function, "outcome", outcome).register(registry)).increment();
    }

    void callback(String outcome) {
        counters.computeIfAbsent("callback|" + outcome, k -> Counter.builder("jfaas_callback")
                .description("Callback deliveries by outcome").tags("outcome", outcome).register(registry)).increment();
    }

    /**
     * {@code jfaas_async_adaptive_limit}: how many of a function's calls the workers send at once
     * while it pushes back; registered at its first push-back, NaN while it is not held back.
     */
    void adaptiveLimit(String function, java.util.function.DoubleSupplier value) {
        if (gauges.add(function)) {
            io.micrometer.core.instrument.Gauge.builder("jfaas_async_adaptive_limit", () -> value.getAsDouble())
                    .description("Calls of a function the async workers send at once while it pushes back (429/503)")
                    .tags("function_name", function).register(registry);
        }
    }

    void acceptToStart(String queue, Duration wait) {
        timers.computeIfAbsent(queue, q -> Timer.builder("jfaas_async_accept_to_start")
                .description("Time from accept to first start of an async call")
                .tags("queue", q).serviceLevelObjectives(BUCKETS).register(registry)).record(wait);
    }
}
