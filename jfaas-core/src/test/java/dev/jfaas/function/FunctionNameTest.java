package dev.jfaas.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionNameTest {

    @Test
    void parseSplitsAtTheLastDot() {
        assertThat(FunctionName.parse("fn.team-a", null)).isEqualTo(new FunctionName("fn", "team-a"));
        assertThat(FunctionName.parse("fn", null)).isEqualTo(new FunctionName("fn", "openfaas-fn"));
        assertThat(FunctionName.parse("fn", "dev")).isEqualTo(new FunctionName("fn", "dev"));
        assertThatThrownBy(() -> FunctionName.parse("a.b.c", null)).isInstanceOf(RequestRejected.Invalid.class);
    }

    @Test
    void qualifiedNameIsNameDotNamespace() {
        assertThat(FunctionName.of("echo", null).qualified()).isEqualTo("echo.openfaas-fn");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "echo", "a-b-c", "0fn", "a23456789012345678901234567890123456789012345678901234567890123"})
    void validNames(String name) {
        assertThat(FunctionName.of(name, null).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "a_b", "-a", "a-", "a.b", "a b", "ü", "a234567890123456789012345678901234567890123456789012345678901234"})
    void invalidNamesSayWhatIsAllowed(String name) {
        assertThatThrownBy(() -> FunctionName.of(name, null))
                .isInstanceOf(RequestRejected.Invalid.class)
                .satisfies(e -> assertThat(((RequestRejected) e).status()).isEqualTo(400));
    }
}
