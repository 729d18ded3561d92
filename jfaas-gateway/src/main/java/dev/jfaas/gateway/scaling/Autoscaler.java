package dev.jfaas.gateway.scaling;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.function.ScalingPolicy;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.QueueStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in autoscaler (SPEC §7), no Prometheus needed. Each tick, per function:
 * desired = ceil(load / (target × target-proportion)), clamped to [min, max], where load is calls
 * per second ({@code rps}), calls in flight ({@code capacity}) or async calls waiting
 * ({@code queue}). Up at once; down only to the highest desire seen over the scale-down window;
 * to zero after {@code zero-duration} without calls when {@code com.openfaas.scale.zero=true}.
 * A function at zero with no load stays there: the first call brings it back (scale from zero).
 * Decisions go through {@link Provider#scale}, so the lifecycle queue orders them. Not
 * thread-safe: one tick at a time.
 */
public final class Autoscaler {

    private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);

    private record Sample(long atNanos, int desired) {}

    private static final class State {
        long lastStarted;
        final long firstSeenNanos = System.nanoTime();
        long lastActiveNanos = firstSeenNanos;
        final Deque<Sample> desires = new ArrayDeque<>();
    }

    private final Provider provider;
    private final LoadTracker load;
    private final Supplier<List<QueueStats>> queueStats;
    private final Duration interval;
    private final Duration scaleDownWindow;
    private final Map<FunctionName, State> states = new HashMap<>();
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
            var state = states.computeIfAbsent(name, n -> new State());
            long started = load.startedTotal(name);
            long newCalls = started - state.lastStarted;
            state.lastStarted = started;
            int inFlight = load.inFlight(name);
            if (policy.type() == ScalingPolicy.Type.QUEUE && queued == null) {
                queued = queuedByFunction();
            }
            double current = switch (policy.type()) {
                case RPS -> newCalls / seconds;
                case CAPACITY -> inFlight;
                case QUEUE -> queued.getOrDefault(name, 0L);
            };
            // A replica still starting counts as activity: idle time runs from when it could serve.
            boolean starting = status.availableReplicas() < status.replicas();
            if (newCalls > 0 || inFlight > 0 || current > 0 || starting) {
                state.lastActiveNanos = now;
            }
            decide(name, policy, status.replicas(), current, state, now);
        }
        states.keySet().removeIf(name -> provider.find(name).isEmpty());
    }

    private void decide(FunctionName name, ScalingPolicy policy, int replicas, double current, State state, long now) {
        boolean idle = current == 0 && now - state.lastActiveNanos >= policy.zeroDuration().toNanos();
        if (policy.zero() && idle && replicas > 0) {
            scale(name, 0, "idle for " + policy.zeroDuration());
            state.desires.clear();
            return;
        }
        if (replicas == 0 && current == 0) {
            return; // parked at zero: the next call scales it up
        }
        if (policy.min() == policy.max()) {
            if (replicas != policy.min()) {
                scale(name, policy.min(), "min = max = " + policy.min());
            }
            return;
        }
        int desired = (int) Math.ceil(current / (policy.target() * policy.targetProportion()));
        desired = Math.max(policy.min(), Math.min(policy.max(), Math.max(desired, 1)));
        state.desires.addLast(new Sample(now, desired));
        while (!state.desires.isEmpty() && now - state.desires.peekFirst().atNanos() > scaleDownWindow.toNanos()) {
            state.desires.removeFirst();
        }
        if (desired > replicas) {
            scale(name, desired, "load " + current + " " + policy.type().name().toLowerCase());
            return;
        }
        if (now - state.firstSeenNanos < scaleDownWindow.toNanos()) {
            return; // not watched for a whole window yet (e.g. just restarted): no scale-down
        }
        int highestInWindow = state.desires.stream().mapToInt(Sample::desired).max().orElse(desired);
        if (highestInWindow < replicas) {
            scale(name, highestInWindow, "load fell to " + current + " " + policy.type().name().toLowerCase());
        }
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
