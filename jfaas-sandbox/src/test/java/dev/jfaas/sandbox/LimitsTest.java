package dev.jfaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void memoryReadsKubernetesQuantities() {
        assertThat(Limits.memoryBytes("128Mi")).isEqualTo(128L << 20);
        assertThat(Limits.memoryBytes("1Gi")).isEqualTo(1L << 30);
        assertThat(Limits.memoryBytes("500M")).isEqualTo(500_000_000L);
        assertThat(Limits.memoryBytes("1.5Gi")).isEqualTo(3L << 29);
        assertThat(Limits.memoryBytes("10000000")).isEqualTo(10_000_000L);
        assertThat(Limits.memoryBytes(null)).isZero();
        assertThat(Limits.memoryBytes(" ")).isZero();
    }

    @Test
    void memoryInMillibytesIsRefusedWithAHint() {
        assertThatThrownBy(() -> Limits.memoryBytes("128m")).hasMessageContaining("128Mi");
    }

    @Test
    void memoryTooSmallOrNotANumberIsRefused() {
        assertThatThrownBy(() -> Limits.memoryBytes("64")).hasMessageContaining("4Mi");
        assertThatThrownBy(() -> Limits.memoryBytes("lots")).hasMessageContaining("128Mi");
        assertThatThrownBy(() -> Limits.memoryBytes("-1Gi")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cpuReadsCoresAndMillicores() {
        assertThat(Limits.cpuMillis("500m")).isEqualTo(500);
        assertThat(Limits.cpuMillis("2")).isEqualTo(2000);
        assertThat(Limits.cpuMillis("0.25")).isEqualTo(250);
        assertThat(Limits.cpuMillis("")).isZero();
        assertThatThrownBy(() -> Limits.cpuMillis("1m")).hasMessageContaining("10m");
        assertThatThrownBy(() -> Limits.cpuMillis("fast")).hasMessageContaining("500m");
    }
}
