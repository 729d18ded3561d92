package dev.jfaas.gateway.http;

import dev.jfaas.gateway.http.Replies;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepliesTest {

    record Timed(Instant at) {}

    @Test
    void instantsAreIsoTextBothWays() throws Exception {
        var at = Instant.parse("2026-12-05T04:05:06.007Z");
        assertThat(Replies.JSON.writeValueAsString(new Timed(at))).isEqualTo("{\"at\":\"2026-12-05T04:05:06.007Z\"}");
        assertThat(Replies.JSON.writeValueAsString(Map.of("at", Instant.ofEpochSecond(1)))).isEqualTo("{\"at\":\"1970-01-01T00:00:01Z\"}");
        assertThat(Replies.JSON.readValue("{\"at\":\"2026-12-05T04:05:06.007Z\"}", Timed.class).at()).isEqualTo(at);
        assertThat(Replies.JSON.readValue("{\"at\":null}", new TypeReference<Map<String, Instant>>() {}).get("at")).isNull();
    }

    @Test
    void durationsAreSecondsWithMicroseconds() {
        assertThat(Replies.seconds(0).toString()).isEqualTo("0.000000");
        assertThat(Replies.seconds(1_234_567).toString()).isEqualTo("0.001234");
        assertThat(Replies.seconds(999_999_999).toString()).isEqualTo("0.999999");
        assertThat(Replies.seconds(1_000_000_000).toString()).isEqualTo("1.000000");
        assertThat(Replies.seconds(12_000_050_000L).toString()).isEqualTo("12.000050");
        assertThat(Replies.seconds(1_000_000_000_000_000L).toString()).isEqualTo("1000000.000000");
        assertThat(Replies.seconds(-5).toString()).isEqualTo("0.000000");
    }
}
