package dev.jfaas.gateway.metrics;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.provider.Provider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueuedCall;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's Prometheus metrics under the names OpenFaaS uses, so its dashboards and alerts
 * work unchanged. Meters are cached per function and status code: the invoke path does a map
 * lookup, not a registry lookup.
 */
public final class GatewayMetrics implements AutoCloseable {

    /** Histogram buckets for call durations and waits, as OpenFaaS dashboards expect seconds. */
    public static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)
    };

    /** Status codes boxed once: past 127, each call's lookup would box its status anew. */
    private static final Integer[] STATUS_KEYS = java.util.stream.IntStream.range(0, 600).boxed().toArray(Integer[]::new);

    /** @param lastMillis when a call with this outcome last finished (for "last call" in the portal) */
    private record Outcome(Counter invocations, Timer seconds, AtomicLong lastMillis) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<FunctionName, Map<Integer, Outcome>> outcomes = new ConcurrentHashMap<>();
    private final Map<FunctionName, LongAdder> started = new ConcurrentHashMap<>();
    private final MultiGauge serviceCount = gauge("gateway_service_count", "Desired replicas of each function");
    private final MultiGauge serviceReadyCount = gauge("gateway_service_ready_count", "Ready replicas of each function");
    private final MultiGauge queueDepth = gauge("jfaas_queue_depth", "Async calls waiting, by queue and function");
    private final MultiGauge deadLetters = gauge("jfaas_dead_letters", "Dead letters, by queue and function");
    private final MultiGauge queueInflight = gauge("jfaas_queue_inflight", "Async calls running, by queue");
    private final MultiGauge queueOldestAge = gauge("jfaas_queue_oldest_age_seconds", "Age of the oldest waiting async call, by queue");
    private final MultiGauge admissionWaiting = gauge("jfaas_admission_waiting", "Sync calls waiting for a slot, by function");
    private final Map<FunctionName, Timer> admissionWaits = new ConcurrentHashMap<>();
    private final Map<FunctionName, Timer> coldStarts = new ConcurrentHashMap<>();
    private volatile Supplier<Map<String, Integer>> waitingByFunction = Map::of;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Provider provider;
    private final Supplier<List<QueueStats>> queueStats;
    /** What {@link #connections} counts from: Micrometer holds a function counter's object only weakly. */
    private volatile List<Object> connectionCounts = List.of();

    public GatewayMetrics(Provider provider, Supplier<List<QueueStats>> queueStats) {
        this.provider = provider;
        this.queueStats = queueStats;
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void started(FunctionName function) {
        var count = started.get(function);
        if (count == null) {
            count = started.computeIfAbsent(function, k -> new LongAdder());
        }
        count.increment();
    }

    public void finished(FunctionName function, int status, long nanos) {
        var byStatus = outcomes.get(function);
        if (byStatus == null) {
            byStatus = outcomes.computeIfAbsent(function, f -> new ConcurrentHashMap<>());
        }
        var key = status >= 0 && status < STATUS_KEYS.length ? STATUS_KEYS[status] : Integer.valueOf(status);
        var outcome = byStatus.get(key);
        if (outcome == null) {
            outcome = byStatus.computeIfAbsent(key, s -> newOutcome(function, s));
        }
        outcome.invocations().increment();
        outcome.seconds().record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        outcome.lastMillis().setOpaque(System.currentTimeMillis());
    }

    private Outcome newOutcome(FunctionName function, int status) {
        var tags = Tags.of("function_name", function.qualified(), "code", Integer.toString(status));
        return new Outcome(
                Counter.builder("gateway_function_invocation").description("Function invocations by status code")
                        .tags(tags).register(registry),
                Timer.builder("gateway_functions").description("Function invocation time")
                        .tags(tags).serviceLevelObjectives(BUCKETS).register(registry),
                new AtomicLong());
    }

    /**
     * The connections open now, and those the gateway closed unanswered, by reason (the label
     * values are the keys of {@code closedBy}). The counts are held here: Micrometer keeps a
     * function counter's object only weakly, and one collected reads its last value for ever.
     */
    public void connections(java.util.function.IntSupplier open, Map<String, java.util.function.LongSupplier> closedBy) {
        connectionCounts = List.of(open, Map.copyOf(closedBy));
        io.micrometer.core.instrument.Gauge.builder("jfaas_connections_open", open::getAsInt)
                .description("Client connections open (JFAAS_MAX_CONNECTIONS bounds them)").register(registry);
        closedBy.forEach((reason, count) -> io.micrometer.core.instrument.FunctionCounter.builder("jfaas_connections_closed",
                        count, java.util.function.LongSupplier::getAsLong)
                .description("Client connections the gateway closed before answering them, by reason")
                .tag("reason", reason).register(registry));
    }

    /** How long a call waited for a replica to become ready (scale from zero). */
    public void coldStart(FunctionName function, long nanos) {
        record(coldStarts, "jfaas_cold_start", "Time calls waited for a replica to become ready", function, nanos);
    }

    public void admissionWaiting(Supplier<Map<String, Integer>> waiting) {
        this.waitingByFunction = waiting;
    }

    public void admissionWait(FunctionName function, long nanos) {
        record(admissionWaits, "jfaas_admission_wait", "Time sync calls waited for a slot", function, nanos);
    }

    private void record(Map<FunctionName, Timer> timers, String name, String description, FunctionName function, long nanos) {
        var timer = timers.get(function);
        if (timer == null) {
            timer = timers.computeIfAbsent(function, f -> Timer.builder(name).description(description)
                    .tags("function_name", f.qualified()).serviceLevelObjectives(BUCKETS).register(registry));
        }
        timer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private MultiGauge gauge(String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    private static <T> void publish(MultiGauge gauge, List<T> rows, java.util.function.Function<T, Tags> tags,
            java.util.function.ToDoubleFunction<T> value) {
        gauge.register(rows.stream().map(r -> MultiGauge.Row.of(tags.apply(r), value.applyAsDouble(r))).toList(), true);
    }

    private final OverviewHistory history = new OverviewHistory(java.util.Arrays.stream(BUCKETS)
            .mapToDouble(d -> d.toNanos() / 1e6).toArray());

    /** The last hour of the overview's numbers (the portal's charts start from it). */
    public OverviewHistory history() {
        return history;
    }

    /** Adds a sample to the history: call it every {@link OverviewHistory#EVERY}, off the event loop (the queue may be asked). */
    public void sampleHistory() {
        long calls = 0;
        long failed = 0;
        var buckets = new long[BUCKETS.length];
        for (var byStatus : outcomes.values()) {
            for (var entry : byStatus.entrySet()) {
                var outcome = entry.getValue();
                long n = (long) outcome.invocations().count();
                calls += n;
                if (entry.getKey() < 200 || entry.getKey() >= 300) {
                    failed += n;
                }
                var counts = outcome.seconds().takeSnapshot().histogramCounts();
                for (int i = 0; i < counts.length && i < buckets.length; i++) {
                    buckets[i] += (long) counts[i].count();
                }
            }
        }
        long depth = 0;
        long dead = 0;
        for (var stats : queueStats.get()) {
            depth += stats.depth();
            dead += stats.dead();
        }
        history.sample(new OverviewHistory.Totals(calls, failed, buckets, depth, dead), System.currentTimeMillis());
    }

    /** Prometheus text: the registry, plus the one OpenFaaS counter whose name lacks "_total", and last calls. */
    public String scrape() {
        var functions = provider.list(null);
        java.util.function.Function<FunctionStatus, Tags> byFunction = f -> Tags.of("function_name", f.name() + "." + f.namespace());
        publish(serviceCount, functions, byFunction, FunctionStatus::replicas);
        publish(serviceReadyCount, functions, byFunction, FunctionStatus::availableReplicas);
        publish(admissionWaiting, List.copyOf(waitingByFunction.get().entrySet()), e -> Tags.of("function_name", e.getKey()),
                Map.Entry::getValue);
        var stats = queueStats.get();
        java.util.function.Function<QueueStats, Tags> byQueueAndFunction = q ->
                Tags.of("queue", q.queue(), "function_name", q.function() + "." + q.namespace());
        publish(queueDepth, stats, byQueueAndFunction, QueueStats::depth);
        publish(deadLetters, stats, byQueueAndFunction, QueueStats::dead);
        var inflight = new java.util.TreeMap<String, Long>();
        var oldest = new java.util.TreeMap<String, Double>();
        // The default queue is always reported, so dashboards see 0 rather than no data.
        inflight.put(QueuedCall.DEFAULT_QUEUE, 0L);
        oldest.put(QueuedCall.DEFAULT_QUEUE, 0.0);
        stats.forEach(q -> {
            inflight.merge(q.queue(), q.inFlight(), Long::sum);
            oldest.merge(q.queue(), q.oldestAgeSeconds(), Math::max);
        });
        publish(queueInflight, List.copyOf(inflight.entrySet()), e -> Tags.of("queue", e.getKey()), Map.Entry::getValue);
        publish(queueOldestAge, List.copyOf(oldest.entrySet()), e -> Tags.of("queue", e.getKey()), Map.Entry::getValue);
        var text = new StringBuilder(registry.scrape());
        text.append("# HELP gateway_function_invocation_started Calls started, by function\n");
        text.append("# TYPE gateway_function_invocation_started counter\n");
        started.forEach((fn, count) -> text.append("gateway_function_invocation_started{function_name=\"")
                .append(fn.qualified()).append("\"} ").append(count.sum()).append('\n'));
        text.append("# HELP jfaas_function_last_call_timestamp_seconds When the function's last call finished\n");
        text.append("# TYPE jfaas_function_last_call_timestamp_seconds gauge\n");
        outcomes.forEach((fn, byStatus) -> {
            long last = byStatus.values().stream().mapToLong(o -> o.lastMillis().getOpaque()).max().orElse(0);
            text.append("jfaas_function_last_call_timestamp_seconds{function_name=\"").append(fn.qualified()).append("\"} ")
                    .append(last / 1000.0).append('\n');
        });
        return text.toString();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
