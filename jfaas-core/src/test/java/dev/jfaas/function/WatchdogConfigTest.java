package dev.jfaas.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchdogConfigTest {

    private static FunctionDeployment deployment(String envProcess, Map<String, String> env) {
        return new FunctionDeployment("fn", "img", null, envProcess, env, null, null, null, null, null, null, null);
    }

    @Test
    void defaultsMatchTheOfWatchdog() {
        var config = WatchdogConfig.of(deployment("cat -n", Map.of()));
        assertThat(config.fprocess()).containsExactly("cat", "-n");
        assertThat(config.mode()).isEqualTo(WatchdogMode.SERIALIZING);
        assertThat(config.execTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxInflight()).isZero();
    }

    @Test
    void readsEveryVariable() {
        var config = WatchdogConfig.of(deployment(null, Map.of("fprocess", "python3  app.py", "mode", "HTTP",
                "exec_timeout", "1m", "read_timeout", "5", "write_timeout", "6s", "max_inflight", "4",
                "content_type", "application/json", "ready_path", "/ready", "write_debug", "true")));
        assertThat(config).isEqualTo(new WatchdogConfig(List.of("python3", "app.py"), WatchdogMode.HTTP,
                Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(6), 4, "application/json", "/ready",
                1000, Duration.ofSeconds(30), true));
    }

    @Test
    void aWriteDebugThatIsNotABooleanIsRejected() {
        assertThatThrownBy(() -> WatchdogConfig.of(deployment("cat", Map.of("write_debug", "yes please"))))
                .hasMessageContaining("write_debug");
    }

    @Test
    void envProcessWinsOverFprocess() {
        assertThat(WatchdogConfig.of(deployment("rev", Map.of("fprocess", "cat"))).fprocess()).containsExactly("rev");
    }

    @Test
    void missingProcessIsRejected() {
        assertThatThrownBy(() -> WatchdogConfig.of(deployment(" ", Map.of()))).hasMessageContaining("fprocess is required");
    }
}
