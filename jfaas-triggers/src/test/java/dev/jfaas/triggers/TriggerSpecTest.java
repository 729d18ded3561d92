package dev.jfaas.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jfaas.function.RequestRejected;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerSpecTest {

    @Test
    void topicsAndTheCronConnectorsAnnotationsAreRead() {
        var spec = TriggerSpec.of(Map.of("topic", "cron-function, orders, mqtt:sensors/+/temp", "schedule", "*/5 * * * *"));
        assertThat(spec.schedule()).isPresent();
        assertThat(spec.topics()).containsExactly(new Topic(null, "orders"), new Topic("mqtt", "sensors/+/temp"));
        assertThat(spec.topics().get(1).readFrom("mqtt")).isTrue();
        assertThat(spec.topics().get(1).readFrom("nats")).isFalse();
        assertThat(spec.topics().getFirst().readFrom("amqp")).as("a bare topic is read from every broker").isTrue();
        assertThat(TriggerSpec.of(Map.of()).isEmpty()).isTrue();
        assertThat(TriggerSpec.of(Map.of("topic", "urn:x:y")).topics()).as("a colon that names no broker is the topic's")
                .containsExactly(new Topic(null, "urn:x:y"));
    }

    @Test
    void theSameAnnotationsReadTwiceAreTheSameTriggers() {
        var annotations = Map.of("topic", "cron-function,orders", "schedule", "0 9 * * *", "com.jfaas.schedule.timezone", "Europe/Berlin");
        assertThat(TriggerSpec.of(annotations)).isEqualTo(TriggerSpec.of(annotations));
        assertThat(TriggerSpec.of(annotations)).isNotEqualTo(TriggerSpec.of(Map.of("topic", "cron-function,orders", "schedule", "0 9 * * *")));
    }

    @Test
    void incompleteOrBadTriggersAreRefused() {
        assertThatThrownBy(() -> TriggerSpec.of(Map.of("topic", "cron-function"))).isInstanceOf(RequestRejected.class)
                .hasMessageContaining("needs a schedule");
        assertThatThrownBy(() -> TriggerSpec.of(Map.of("schedule", "* * * * *"))).hasMessageContaining("topic: cron-function");
        assertThatThrownBy(() -> TriggerSpec.of(Map.of("topic", "has space"))).hasMessageContaining("no spaces");
        assertThatThrownBy(() -> TriggerSpec.of(Map.of("topic", "nats:a..b"))).hasMessageContaining("empty token");
        assertThatThrownBy(() -> TriggerSpec.of(Map.of("topic", "mqtt:"))).hasMessageContaining("names no topic");
        assertThatThrownBy(() -> TriggerSpec.of(Map.of("topic", "x".repeat(300)))).hasMessageContaining("longer than");
    }
}
