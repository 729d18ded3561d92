package dev.jfaas.triggers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code jfaas_trigger_messages_total{trigger,topic,outcome}} and {@code jfaas_trigger_lag_seconds}:
 * how many events became calls (queued, duplicate, failed) and how late they were queued.
 */
public final class TriggerMetrics {

    public enum Outcome { QUEUED, DUPLICATE, FAILED, NO_FUNCTION, REFUSED }

    private record Key(String trigger, String topic, Outcome outcome) {}

    private final MeterRegistry registry;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> lags = new ConcurrentHashMap<>();

    public TriggerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(TriggerEvent event, Outcome outcome) {
        counters.computeIfAbsent(new Key(event.trigger(), event.topic(), outcome), k -> Counter.builder("jfaas_trigger_messages")
                .description("Trigger events by trigger, topic and outcome").tags("trigger", k.trigger(), "topic", k.topic(),
                        "outcome", k.outcome().name().toLowerCase(java.util.Locale.ROOT)).register(registry)).increment();
    }

    void lag(TriggerEvent event, Instant queuedAt) {
        if (event.sentAt() == null) {
            return;
        }
        var lag = Duration.between(event.sentAt(), queuedAt);
        lags.computeIfAbsent(event.trigger(), t -> Timer.builder("jfaas_trigger_lag").description(
                "From an event's due or publish time to its call being queued").tags("trigger", t)
                .publishPercentileHistogram(false).register(registry)).record(lag.isNegative() ? Duration.ZERO : lag);
    }
}
