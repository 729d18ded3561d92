package dev.jfaas.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScalingPolicyTest {

    @Test
    void defaultsAreOpenFaasDefaults() {
        // CE's default rule scales past 5 calls/s; capacity and queue keep Pro's 50
        assertThat(ScalingPolicy.of(Map.of())).isEqualTo(new ScalingPolicy(1, 20, 5, 0.9,
                ScalingPolicy.Type.RPS, false, Duration.ofMinutes(15), false));
        assertThat(ScalingPolicy.of(Map.of("com.openfaas.scale.type", "capacity")).target()).isEqualTo(50);
        assertThat(ScalingPolicy.of(Map.of("com.openfaas.scale.target", "50")).targetGiven()).isTrue();
    }

    @Test
    void clampKeepsZeroAndCapsAtMax() {
        var policy = ScalingPolicy.of(Map.of("com.openfaas.scale.max", "3"));
        assertThat(policy.clamp(0)).isZero();
        assertThat(policy.clamp(2)).isEqualTo(2);
        assertThat(policy.clamp(9)).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource({"min,-1", "min,x", "max,0", "target,0", "target-proportion,1.5", "target-proportion,0", "type,cpu",
        "zero,yes", "zero-duration,forever"})
    void invalidLabelsAreRejected(String key, String value) {
        assertThatThrownBy(() -> ScalingPolicy.of(Map.of("com.openfaas.scale." + key, value)))
                .isInstanceOf(RequestRejected.Invalid.class)
                .hasMessageContaining("com.openfaas.scale." + key);
    }

    @Test
    void minAboveMaxIsRejected() {
        assertThatThrownBy(() -> ScalingPolicy.of(Map.of("com.openfaas.scale.min", "4", "com.openfaas.scale.max", "3")))
                .isInstanceOf(RequestRejected.Invalid.class);
    }
}
