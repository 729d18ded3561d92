package dev.jfaas.gateway.scaling;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.function.ScalingPolicy;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.QueueStats;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in autoscaler (SPEC §7), no Prometheus needed. Each tick it measures every function's
 * load (calls per second for {@code rps}, calls in flight for {@code capacity}, async calls
 * waiting for {@code queue}) and lets its {@link FunctionScaler} decide. A function at zero with
 * no load stays there: the first call brings it back (scale from zero). Decisions go through
 * {@link Provider#scale}, so the lifecycle queue orders them. Not thread-safe: one tick at a time.
 */
public final class Autoscaler {

    private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);

    private final Provider provider;
    private final LoadTracker load;
    private final Supplier<List<QueueStats>> queueStats;
    private final Duration interval;
    private final Duration scaleDownWindow;
    private final Map<FunctionName, FunctionScaler> states = new HashMap<>();
    private long lastTickNanos = System.nanoTime();

    public Autoscaler(Provider provider, LoadTracker load, Supplier<List<QueueStats>> queueStats, Duration interval,
            Duration scaleDownWindow) {
        this.provider = provider;
        this.load = load;
        this.queueStats = queueStats;
        this.interval = interval;
        this.scaleDownWindow = scaleDownWindow;
    }

    public Duration interval() {
        return interval;
    }

    /** One look at every function. Blocks on the store when it scales: run it off the event loop. */
    public void tick() {
        long now = System.nanoTime();
        double seconds = Math.max(0.001, (now - lastTickNanos) / 1e9);
        lastTickNanos = now;
        Map<FunctionName, Long> queued = null;
        for (var status : provider.list(null)) {
            var name = new FunctionName(status.name(), status.namespace());
            ScalingPolicy policy;
            try {
                policy = ScalingPolicy.of(status.labels());
            } catch (RequestRejected e) {
                continue; // validated at deploy; nothing sensible to do with a hand-edited store
            }
            long started = load.startedTotal(name);
            // Load is measured from the first look: calls made before it (a deploy, a call and a
            // `jfaas scale fn 0` within one interval) must not count as this look's rate.
            var state = states.computeIfAbsent(name, n -> new FunctionScaler(scaleDownWindow, now, started));
            long newCalls = started - state.lastStarted;
            state.lastStarted = started;
            int inFlight = load.inFlight(name);
            if (policy.type() == ScalingPolicy.Type.QUEUE && queued == null) {
                queued = queuedByFunction();
            }
            double served = newCalls / seconds;
            double current = switch (policy.type()) {
                case RPS -> served;
                case CAPACITY -> inFlight;
                case QUEUE -> queued.getOrDefault(name, 0L);
            };
            // A replica still starting counts as activity: idle time runs from when it could serve.
            boolean starting = status.availableReplicas() < status.replicas();
            boolean active = newCalls > 0 || inFlight > 0 || current > 0 || starting;
            var decision = state.decide(policy, status.replicas(), status.availableReplicas(), current, served, inFlight,
                    active, now);
            if (decision != null) {
                scale(name, decision.replicas(), decision.why());
            }
        }
        states.keySet().removeIf(name -> provider.find(name).isEmpty());
    }

    private void scale(FunctionName name, int replicas, String why) {
        try {
            provider.scale(name, replicas);
            log.info("scaled {} to {} ({})", name, replicas, why);
        } catch (RequestRejected e) {
            log.debug("could not scale {}: {}", name, e.getMessage()); // removed meanwhile
        }
    }

    private Map<FunctionName, Long> queuedByFunction() {
        var out = new HashMap<FunctionName, Long>();
        for (var stats : queueStats.get()) {
            out.merge(new FunctionName(stats.function(), stats.namespace()), stats.depth() + stats.inFlight(), Long::sum);
        }
        return out;
    }
}
