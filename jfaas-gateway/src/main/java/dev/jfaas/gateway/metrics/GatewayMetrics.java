package dev.jfaas.gateway.metrics;

import dev.jfaas.function.FunctionName;
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

    private record Outcome(Counter invocations, Timer seconds) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<FunctionName, Map<Integer, Outcome>> outcomes = new ConcurrentHashMap<>();
    private final Map<FunctionName, LongAdder> started = new ConcurrentHashMap<>();
    private final MultiGauge serviceCount = MultiGauge.builder("gateway_service_count")
            .description("Desired replicas of each function").register(registry);
    private final MultiGauge serviceReadyCount = MultiGauge.builder("gateway_service_ready_count")
            .description("Ready replicas of each function").register(registry);
    private final MultiGauge queueDepth = MultiGauge.builder("jfaas_queue_depth")
            .description("Async calls waiting, by queue and function").register(registry);
    private final MultiGauge deadLetters = MultiGauge.builder("jfaas_dead_letters")
            .description("Dead letters, by queue and function").register(registry);
    private final MultiGauge queueInflight = MultiGauge.builder("jfaas_queue_inflight")
            .description("Async calls running, by queue").register(registry);
    private final MultiGauge queueOldestAge = MultiGauge.builder("jfaas_queue_oldest_age_seconds")
            .description("Age of the oldest waiting async call, by queue").register(registry);
    private final MultiGauge admissionWaiting = MultiGauge.builder("jfaas_admission_waiting")
            .description("Sync calls waiting for a slot, by function").register(registry);
    private final Map<FunctionName, Timer> admissionWaits = new ConcurrentHashMap<>();
    private final Map<FunctionName, Timer> coldStarts = new ConcurrentHashMap<>();
    private volatile Supplier<Map<String, Integer>> waitingByFunction = Map::of;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Provider provider;
    private final Supplier<List<QueueStats>> queueStats;

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
        var outcome = byStatus.get(status);
        if (outcome == null) {
            outcome = byStatus.computeIfAbsent(status, s -> newOutcome(function, s));
        }
        outcome.invocations().increment();
        outcome.seconds().record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Outcome newOutcome(FunctionName function, int status) {
        var tags = Tags.of("function_name", function.qualified(), "code", Integer.toString(status));
        return new Outcome(
                Counter.builder("gateway_function_invocation").description("Function invocations by status code")
                        .tags(tags).register(registry),
                Timer.builder("gateway_functions").description("Function invocation time")
                        .tags(tags).serviceLevelObjectives(BUCKETS).register(registry));
    }

    /** How long a call waited for a replica to become ready (scale from zero). */
    public void coldStart(FunctionName function, long nanos) {
        coldStarts.computeIfAbsent(function, f -> Timer.builder("jfaas_cold_start")
                .description("Time calls waited for a replica to become ready").tags("function_name", f.qualified())
                .serviceLevelObjectives(BUCKETS).register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void admissionWaiting(Supplier<Map<String, Integer>> waiting) {
        this.waitingByFunction = waiting;
    }

    public void admissionWait(FunctionName function, long nanos) {
        admissionWaits.computeIfAbsent(function, f -> Timer.builder("jfaas_admission_wait")
                .description("Time sync calls waited for a slot").tags("function_name", f.qualified())
                .serviceLevelObjectives(BUCKETS).register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Prometheus text: the registry, plus the one OpenFaaS counter whose name lacks "_total". */
    public String scrape() {
        var functions = provider.list(null);
        serviceCount.register(functions.stream()
                .map(f -> MultiGauge.Row.of(Tags.of("function_name", f.name() + "." + f.namespace()), f.replicas()))
                .toList(), true);
        serviceReadyCount.register(functions.stream()
                .map(f -> MultiGauge.Row.of(Tags.of("function_name", f.name() + "." + f.namespace()), f.availableReplicas()))
                .toList(), true);
        admissionWaiting.register(waitingByFunction.get().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("function_name", e.getKey()), e.getValue())).toList(), true);
        var stats = queueStats.get();
        queueDepth.register(stats.stream().map(q -> MultiGauge.Row.of(
                Tags.of("queue", q.queue(), "function_name", q.function() + "." + q.namespace()), q.depth())).toList(), true);
        deadLetters.register(stats.stream().map(q -> MultiGauge.Row.of(
                Tags.of("queue", q.queue(), "function_name", q.function() + "." + q.namespace()), q.dead())).toList(), true);
        var inflight = new java.util.TreeMap<String, Long>();
        var oldest = new java.util.TreeMap<String, Double>();
        // The default queue is always reported, so dashboards see 0 rather than no data.
        inflight.put(QueuedCall.DEFAULT_QUEUE, 0L);
        oldest.put(QueuedCall.DEFAULT_QUEUE, 0.0);
        stats.forEach(q -> {
            inflight.merge(q.queue(), q.inFlight(), Long::sum);
            oldest.merge(q.queue(), q.oldestAgeSeconds(), Math::max);
        });
        queueInflight.register(inflight.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("queue", e.getKey()), e.getValue())).toList(), true);
        queueOldestAge.register(oldest.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("queue", e.getKey()), e.getValue())).toList(), true);
        var text = new StringBuilder(registry.scrape());
        text.append("# HELP gateway_function_invocation_started Calls started, by function\n");
        text.append("# TYPE gateway_function_invocation_started counter\n");
        started.forEach((fn, count) -> text.append("gateway_function_invocation_started{function_name=\"")
                .append(fn.qualified()).append("\"} ").append(count.sum()).append('\n'));
        return text.toString();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
