package dev.jfaas.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

    @ParameterizedTest
    @CsvSource({"30,30000", "0,0", "1m30s,90000", "500ms,500", "2h,7200000", "1.5s,1500", "1h2m3s,3723000"})
    void parsesSecondsAndGoDurations(String text, long millis) {
        assertThat(DurationText.parse("t", text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "-1", "10x", "s", "1m30", "1 m"})
    void rejectsAnythingElse(String text) {
        assertThatThrownBy(() -> DurationText.parse("exec_timeout", text))
                .isInstanceOf(RequestRejected.Invalid.class)
                .hasMessageContaining("exec_timeout");
    }
}
