package dev.jfaas.gateway.scaling;

import dev.jfaas.function.ScalingPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One function's autoscaling state and decisions, with time passed in, so every rule is tested
 * alone. desired = ceil(load / (target × target-proportion)) within [min, max]; up at once, down
 * only to the highest desire over the scale-down window, to zero after zero-duration idle.
 *
 * <p>One rule is jfaas's own, for functions whose labels set no target: when one is saturated (callers keep at least two calls in
 * flight per replica: they wait on it, so more replicas could only help by serving faster), it
 * grows by doubling, and a step that did not raise the calls served by a tenth is taken back and
 * not tried again for {@link #HOLD} (taken back without the hold when the load fell before it could
 * be judged; and the look in which a saturating load ends follows no rule up). A step is tried
 * only after a whole look saturated at the replicas it has, so what it is judged against is their rate, not the part of a look in which
 * the load began (a first step judged against that was always kept: 2 replicas of the no-op
 * function served 0.85 × what one did). On one machine replicas share its cores, and a fast function
 * scaled to 20 replicas served less than with one. A function called at a steady rate is not
 * saturated and scales as OpenFaaS would.
 */
final class FunctionScaler {

    static final Duration HOLD = Duration.ofMinutes(5);
    private static final double WORTHWHILE_GAIN = 1.1;

    /** Scale to {@code replicas}, because {@code why}. */
    record Decision(int replicas, String why) {}

    private record Sample(long atNanos, int desired) {}

    /** A step up on trial: from, to, the calls served per second before it, ticks seen since it was ready. */
    private record Trial(int from, int to, double rateBefore, int readyTicks) {
        Trial seenReady() {
            return new Trial(from, to, rateBefore, readyTicks + 1);
        }
    }

    private final Duration scaleDownWindow;
    private final long firstSeenNanos;
    private long lastActiveNanos;
    private final Deque<Sample> desires = new ArrayDeque<>();
    private Trial trial;
    private int ceiling = Integer.MAX_VALUE;
    private long ceilingUntil;
    /** The replicas the function had at the last look (-1 before the first), and what it was last told here (-1: nothing pending). */
    private int observed = -1;
    private int told = -1;
    /** The replicas at the last look if it was saturated, else -1. */
    private int saturatedWith = -1;
    long lastStarted;

    FunctionScaler(Duration scaleDownWindow, long nowNanos) {
        this(scaleDownWindow, nowNanos, 0);
    }

    /** @param startedSoFar calls the function had started before this first look: not this look's load */
    FunctionScaler(Duration scaleDownWindow, long nowNanos, long startedSoFar) {
        this.lastStarted = startedSoFar;
        this.scaleDownWindow = scaleDownWindow;
        this.firstSeenNanos = nowNanos;
        this.lastActiveNanos = nowNanos;
    }

    /**
     * @param load      what the policy counts: calls/s, calls in flight, or async calls waiting
     * @param served    calls started per second, whatever the policy counts
     * @param inFlight  calls in flight now
     * @param active    whether anything happened (calls, a replica still starting) since the last look
     * @return where to scale, or null to leave the function as it is
     */
    Decision decide(ScalingPolicy policy, int replicas, int available, double load, double served, int inFlight,
            boolean active, long now) {
        boolean scaledDownElsewhere = observed >= 0 && replicas < observed && replicas != told;
        observed = replicas;
        if (replicas == told) {
            told = -1;
        }
        if (scaledDownElsewhere) {
            // Scaled down by someone else (jfaas scale, the API) since the last look: their word
            // stands, and the calls made before it, counted in this look's load, must not undo it.
            desires.clear();
            trial = null;
            told = -1;
            return null;
        }
        var decision = decideFromLoad(policy, replicas, available, load, served, inFlight, active, now);
        if (decision != null) {
            told = decision.replicas();
        }
        return decision;
    }

    private Decision decideFromLoad(ScalingPolicy policy, int replicas, int available, double load, double served,
            int inFlight, boolean active, long now) {
        if (active) {
            lastActiveNanos = now;
        }
        boolean idle = load == 0 && now - lastActiveNanos >= policy.zeroDuration().toNanos();
        if (policy.zero() && idle && replicas > 0) {
            desires.clear();
            trial = null;
            return new Decision(0, "idle for " + policy.zeroDuration());
        }
        if (replicas == 0) {
            // Parked at zero: its next call brings it back (scale from zero). Load counted here may be
            // calls made before a scale to zero by hand, between two looks that both saw it at zero.
            return null;
        }
        if (policy.min() == policy.max()) {
            return replicas == policy.min() ? null : new Decision(policy.min(), "min = max = " + policy.min());
        }
        if (now >= ceilingUntil) {
            ceiling = Integer.MAX_VALUE;
        }
        // Labels that set a target are followed as OpenFaaS documents them; without one, jfaas
        // checks that what it adds to a saturated function pays off.
        boolean saturated = !policy.targetGiven() && policy.type() != ScalingPolicy.Type.QUEUE
                && inFlight >= 2 * Math.max(1, replicas);
        boolean steady = saturated && saturatedWith == replicas;
        // Saturated at the last look and not now: its callers have just gone, and this look's rate is
        // the end of their burst, no steady rate to follow (a function called in bursts went from 1
        // replica to max between two bursts: bench/README.md, eighth session).
        boolean burstEnded = !saturated && saturatedWith >= 0;
        saturatedWith = saturated ? replicas : -1;
        int wanted = (int) Math.ceil(load / (policy.target() * policy.targetProportion()));
        int desired = Math.min(ceiling, Math.max(policy.min(), Math.min(policy.max(), Math.max(wanted, 1))));
        remember(desired, now);
        if (trial != null) {
            var judged = judgeTrial(replicas, available, served, saturated, now);
            if (judged != null || trial != null) {
                return judged;
            }
        }
        if (desired > replicas) {
            var why = "load " + load + " " + policy.type().name().toLowerCase();
            if (saturated && !steady) {
                return null; // a look at these replicas' own rate first
            }
            if (saturated) {
                int step = Math.min(desired, Math.max(replicas + 1, replicas * 2));
                trial = new Trial(replicas, step, served, 0);
                return new Decision(step, why + ", saturated: trying " + step);
            }
            if (burstEnded) {
                return null;
            }
            return new Decision(desired, why);
        }
        if (now - firstSeenNanos < scaleDownWindow.toNanos()) {
            return null; // not watched for a whole window yet (e.g. just restarted): no scale-down
        }
        int highestInWindow = desires.stream().mapToInt(Sample::desired).max().orElse(desired);
        if (highestInWindow < replicas) {
            return new Decision(highestInWindow, "load fell to " + load + " " + policy.type().name().toLowerCase());
        }
        return null;
    }

    /** Waits for a step's replicas to serve for two looks, then keeps the step or takes it back. */
    private Decision judgeTrial(int replicas, int available, double served, boolean saturated, long now) {
        if (replicas != trial.to()) {
            trial = null; // scaled by someone else meanwhile: nothing to judge
            return null;
        }
        if (available < trial.to()) {
            return null;
        }
        trial = trial.seenReady();
        if (trial.readyTicks() < 2) {
            return null;
        }
        var done = trial;
        trial = null;
        if (served >= done.rateBefore() * WORTHWHILE_GAIN) {
            return null; // it paid off
        }
        desires.clear();
        // Held against a later try only if judged under load: the load may have fallen before the
        // step could show its worth.
        boolean loadFell = !saturated;
        if (!loadFell) {
            ceiling = done.from();
            ceilingUntil = now + HOLD.toNanos();
        }
        return new Decision(done.from(), String.format(java.util.Locale.ROOT,
                "%d replicas served %.0f calls/s, %d served %.0f%s: back to %d%s", done.to(), served, done.from(),
                done.rateBefore(), loadFell ? ", and the load fell" : "", done.from(), loadFell ? "" : " for " + HOLD));
    }

    private void remember(int desired, long now) {
        desires.addLast(new Sample(now, desired));
        while (!desires.isEmpty() && now - desires.peekFirst().atNanos() > scaleDownWindow.toNanos()) {
            desires.removeFirst();
        }
    }
}
