package dev.jfaas.gateway.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.ScalingPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The autoscaler's rules, one function at a time, on a clock the test moves. */
class FunctionScalerTest {

    static final long SECOND = 1_000_000_000L;
    static final Duration WINDOW = Duration.ofSeconds(30);

    long now = 1_000 * SECOND;
    final FunctionScaler scaler = new FunctionScaler(WINDOW, now);

    FunctionScaler.Decision tick(ScalingPolicy policy, int replicas, int available, double rps, int inFlight) {
        now += 2 * SECOND;
        return scaler.decide(policy, replicas, available, rps, rps, inFlight, rps > 0 || inFlight > 0, now);
    }

    static ScalingPolicy labels(String... pairs) {
        var map = new java.util.HashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put("com.openfaas.scale." + pairs[i], pairs[i + 1]);
        }
        return ScalingPolicy.of(Map.copyOf(map));
    }

    @Test
    void tenCallsASecondWithOnlyMinAndMaxTakeItToTwoAndBackToOneAfterTheWindow() {
        var policy = labels("min", "1", "max", "2");
        assertThat(tick(policy, 1, 1, 10, 0)).extracting(FunctionScaler.Decision::replicas).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            assertThat(tick(policy, 2, 2, 10, 0)).isNull();
        }
        FunctionScaler.Decision down = null;
        for (int i = 0; i < 20 && down == null; i++) {
            down = tick(policy, 2, 2, 0, 0);
        }
        assertThat(down).isNotNull();
        assertThat(down.replicas()).isEqualTo(1);
    }

    @Test
    void aSaturatedFunctionGrowsByDoublingAndKeepsAStepThatPaysOff() {
        var policy = labels("max", "20");
        assertThat(tick(policy, 1, 1, 1000, 64)).isNull(); // a whole look at one replica's rate first
        var first = tick(policy, 1, 1, 1000, 64);
        assertThat(first.replicas()).isEqualTo(2);
        assertThat(tick(policy, 2, 1, 1000, 64)).isNull(); // the new replica is still starting
        assertThat(tick(policy, 2, 2, 1900, 64)).isNull();
        assertThat(tick(policy, 2, 2, 1900, 64).replicas()).isEqualTo(4); // it paid off: the next step
    }

    @Test
    void aStepThatServesNoMoreIsTakenBackAndNotTriedAgainForAWhile() {
        var policy = labels("max", "20");
        assertThat(tick(policy, 1, 1, 1000, 64)).isNull();
        assertThat(tick(policy, 1, 1, 1000, 64).replicas()).isEqualTo(2);
        assertThat(tick(policy, 2, 2, 1020, 64)).isNull();
        var back = tick(policy, 2, 2, 1020, 64);
        assertThat(back.replicas()).isEqualTo(1);
        assertThat(back.why()).contains("back to 1");
        for (int i = 0; i < 100; i++) {
            assertThat(tick(policy, 1, 1, 1000, 64)).isNull();
        }
        now += FunctionScaler.HOLD.toNanos();
        assertThat(tick(policy, 1, 1, 1000, 64).replicas()).isEqualTo(2);
    }

    @Test
    void theLookInWhichASaturatingBurstEndsScalesNothingUp() {
        // wrk -c64 for 8 s, then nothing: the last look's rate is the burst's, its calls in flight none
        var policy = labels("max", "20");
        assertThat(tick(policy, 1, 1, 14000, 64)).isNull();
        assertThat(tick(policy, 1, 1, 14000, 64).replicas()).isEqualTo(2); // tried while it lasts
        assertThat(tick(policy, 2, 2, 7000, 0)).as("the burst ended in this look").isNull();
        var back = tick(policy, 2, 2, 0, 0);
        assertThat(back.replicas()).as("not judged by a load that went").isEqualTo(1);
        assertThat(back.why()).contains("the load fell");
        assertThat(tick(policy, 1, 1, 0, 0)).isNull();
        // the next burst tries again at once: the step was not held against it
        assertThat(tick(policy, 1, 1, 14000, 64)).isNull();
        assertThat(tick(policy, 1, 1, 14000, 64).replicas()).isEqualTo(2);
    }

    @Test
    void aBurstEndingWithoutATrialFollowsNoRuleUpEither() {
        var policy = labels("max", "20");
        assertThat(tick(policy, 1, 1, 14000, 64)).isNull();
        assertThat(tick(policy, 1, 1, 9000, 0)).as("14k calls/s would be 20 replicas by the rps rule").isNull();
        assertThat(tick(policy, 1, 1, 0, 0)).isNull();
    }

    @Test
    void aStepIsJudgedAgainstAWholeLookAtTheReplicasItHadNotTheLookInWhichTheLoadBegan() {
        var policy = labels("max", "20");
        assertThat(tick(policy, 1, 1, 500, 64)).as("the load began within this look").isNull();
        assertThat(tick(policy, 1, 1, 1000, 64).replicas()).isEqualTo(2);
        assertThat(tick(policy, 2, 2, 950, 64)).isNull();
        var back = tick(policy, 2, 2, 950, 64);
        assertThat(back).as("two replicas served less than one's whole look").isNotNull();
        assertThat(back.replicas()).isEqualTo(1);
    }

    @Test
    void labelsThatSetATargetAreFollowedAsOpenFaasDocumentsThem() {
        var policy = labels("max", "20", "target", "50");
        assertThat(tick(policy, 1, 1, 1000, 64).replicas()).isEqualTo(20);
    }

    @Test
    void aManualScaleToZeroRightAfterCallsIsNotUndoneByTheCallsMadeBeforeIt() {
        var policy = labels("min", "1", "max", "5", "zero", "true");
        assertThat(tick(policy, 1, 1, 4, 0)).isNull();
        // the operator scales it to 0; this look still counts the calls made just before
        assertThat(tick(policy, 0, 0, 20, 0)).as("the operator's word stands").isNull();
        assertThat(tick(policy, 0, 0, 0, 0)).isNull();
        assertThat(tick(policy, 0, 0, 0, 0)).isNull();
        // a call after it brings it back as any call to a function at zero does; then load counts again
        assertThat(tick(policy, 1, 1, 18, 0)).extracting(FunctionScaler.Decision::replicas).isEqualTo(4);
    }

    /**
     * Between two looks a call brings the function back from zero and the operator scales it to zero
     * again: the look sees it at zero, as the one before did, with the call's load. Only a call brings
     * a function back from zero, so that load is from before the operator's word.
     */
    @Test
    void aFunctionAtZeroIsBroughtBackByItsCallsNotByLoadCountedBeforeAScaleToZero() {
        var policy = labels("min", "1", "max", "5", "zero", "true");
        assertThat(tick(policy, 0, 0, 0, 0)).isNull();
        assertThat(tick(policy, 0, 0, 20, 0)).as("the operator's word stands").isNull();
        assertThat(tick(policy, 0, 0, 0, 0)).isNull();
    }

    @Test
    void itsOwnScaleDownIsNotMistakenForSomeoneElses() {
        var policy = labels("min", "1", "max", "4");
        assertThat(tick(policy, 1, 1, 13, 0)).extracting(FunctionScaler.Decision::replicas).isEqualTo(3);
        FunctionScaler.Decision down = null;
        for (int i = 0; i < 30 && down == null; i++) {
            down = tick(policy, 3, 3, 4, 0);
        }
        assertThat(down).extracting(FunctionScaler.Decision::replicas).isEqualTo(1);
        assertThat(tick(policy, 1, 1, 13, 0)).as("load counts as before").extracting(FunctionScaler.Decision::replicas)
                .isEqualTo(3);
    }

    @Test
    void minEqualToMaxFixesTheReplicas() {
        var policy = labels("min", "3", "max", "3");
        assertThat(tick(policy, 1, 1, 0, 0).replicas()).isEqualTo(3);
        assertThat(tick(policy, 3, 3, 500, 64)).isNull();
    }

    @Test
    void anIdleFunctionGoesToZeroAfterItsZeroDuration() {
        var policy = labels("zero", "true", "zero-duration", "10s");
        assertThat(tick(policy, 1, 1, 3, 0)).isNull();
        FunctionScaler.Decision zero = null;
        for (int i = 0; i < 10 && zero == null; i++) {
            zero = tick(policy, 1, 1, 0, 0);
        }
        assertThat(zero.replicas()).isZero();
        assertThat(tick(policy, 0, 0, 0, 0)).isNull();
    }
}
