package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.ConnectionFactory;
import dev.jfaas.queue.tck.BrokerAvailability;
import io.lettuce.core.RedisClient;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Triggers through the real gateway and the real brokers: a message on each broker reaches its
 * function exactly as sent; bad triggers are refused at deploy; removing the function stops its
 * deliveries; a cron function fires each second once with two gateways on one NATS.
 */
class TriggersTest {

    static final String NATS = "nats://127.0.0.1:4222";
    static final String MQTT = "mqtt://127.0.0.1:1883";
    static final String AMQP = "amqp://guest:guest@127.0.0.1:5672";
    static final String REDIS = "redis://127.0.0.1:6379";
    static final String BROKERS = String.join(",", NATS, MQTT, AMQP, REDIS);

    final String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @BeforeAll
    static void brokers() {
        BrokerAvailability.require("NATS", NATS);
        BrokerAvailability.require("Mosquitto", MQTT);
        BrokerAvailability.require("RabbitMQ", AMQP);
        BrokerAvailability.require("Redis", REDIS);
    }

    /**
     * The function writes each call's body to calls/<n> in its directory; what arrived is read back.
     * It writes beside and then renames, so a reader never sees a file that is still being written.
     */
    static final String KEEPER = "mkdir -p calls writing; f=$$-$(date +%s%N); cat > writing/$f; mv writing/$f calls/$f; echo kept\n";

    static List<String> kept(Path dir) throws Exception {
        var calls = dir.resolve("calls");
        if (!Files.isDirectory(calls)) {
            return List.of();
        }
        try (var files = Files.list(calls)) {
            var out = new ArrayList<String>();
            for (var file : files.toList()) {
                out.add(Files.readString(file));
            }
            return out;
        }
    }

    static Map<String, Object> keeper(String name, Path dir, String topics) {
        var deployment = Functions.forking(name, "sh run.sh");
        deployment.put("image", dir.toString());
        deployment.put("annotations", Map.of("topic", topics));
        return deployment;
    }

    @Test
    void aMessageOnEachBrokerReachesItsFunctionExactlyAsSentAndRemovingItStopsThem() throws Exception {
        try (var gateway = TestGateway.start(Map.of("JFAAS_TRIGGERS", BROKERS));
                var nats = Nats.connect(NATS)) {
            var dir = Functions.write(Map.of("run.sh", KEEPER));
            var stream = "T_" + unique;
            nats.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream).subjects("js." + unique).build());
            try {
                gateway.deploy(keeper("listener", dir, String.join(",", "nats:core." + unique, "nats:js." + unique,
                        "mqtt:m/" + unique, "amqp:a." + unique, "redis:stream:r-" + unique)));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    var triggers = TestGateway.parse(gateway.system("GET", "/system/triggers", null).body()).path("triggers");
                    var states = new ArrayList<String>();
                    triggers.forEach(t -> states.add(t.path("state").asText()));
                    assertThat(states).as(triggers.toString()).hasSize(5).allMatch(state -> state.startsWith("subscribed"));
                });

                nats.publish("core." + unique, "from core nats".getBytes(StandardCharsets.UTF_8));
                nats.jetStream().publish("js." + unique, "from jetstream".getBytes(StandardCharsets.UTF_8));
                var mqtt = new MqttClient("tcp://127.0.0.1:1883", "pub" + unique, new MemoryPersistence());
                mqtt.connect();
                var message = new MqttMessage("from mqtt\n  with spaces ".getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                mqtt.publish("m/" + unique, message);
                mqtt.disconnect();
                var factory = new ConnectionFactory();
                factory.setUri(AMQP);
                try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
                    channel.basicPublish("amq.topic", "a." + unique, null, "from rabbitmq".getBytes(StandardCharsets.UTF_8));
                }
                var redis = RedisClient.create(REDIS);
                try (var connection = redis.connect()) {
                    connection.sync().xadd("r-" + unique, Map.of("body", "from redis"));
                } finally {
                    redis.shutdown();
                }

                await().atMost(Duration.ofSeconds(30)).until(() -> kept(dir).size() >= 5);
                assertThat(kept(dir)).containsExactlyInAnyOrder("from core nats", "from jetstream", "from mqtt\n  with spaces ",
                        "from rabbitmq", "from redis");
                var calls = TestGateway.parse(gateway.system("GET", "/system/calls?function=listener", null).body());
                assertThat(calls.size()).as("each message is an async call").isEqualTo(5);
                var triggers = TestGateway.parse(gateway.system("GET", "/system/triggers", null).body());
                assertThat(triggers.path("brokers").toString()).contains("nats://127.0.0.1:4222", "mqtt://127.0.0.1:1883")
                        .doesNotContain("guest");
                for (var t : triggers.path("triggers")) {
                    assertThat(t.path("messages").asLong()).as(t.toString()).isEqualTo(1);
                }
                assertThat(gateway.call("GET", "/metrics", null).body())
                        .contains("jfaas_trigger_messages_total{outcome=\"queued\",topic=\"a." + unique + "\",trigger=\"amqp\"} 1.0")
                        .contains("jfaas_trigger_lag_seconds_count{trigger=\"nats\"}");

                assertThat(gateway.system("DELETE", "/system/functions", Map.of("functionName", "listener")).statusCode())
                        .isEqualTo(202);
                assertThat(TestGateway.parse(gateway.system("GET", "/system/triggers", null).body()).path("triggers")).isEmpty();
                nats.publish("core." + unique, "too late".getBytes(StandardCharsets.UTF_8));
                try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
                    channel.basicPublish("amq.topic", "a." + unique, null, "too late".getBytes(StandardCharsets.UTF_8));
                }
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> kept(dir).size() == 5);
            } finally {
                nats.jetStreamManagement().deleteStream(stream);
            }
        }
    }

    @Test
    void aNatsRequestGetsTheFunctionsAnswerOnItsReplySubject() throws Exception {
        try (var gateway = TestGateway.start(Map.of("JFAAS_TRIGGERS", NATS)); var nats = Nats.connect(NATS)) {
            var deployment = Functions.forking("shout", "tr a-z A-Z");
            deployment.put("annotations", Map.of("topic", "ask." + unique));
            gateway.deploy(deployment);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(gateway.system("GET", "/system/triggers", null).body())
                    .contains("\"state\":\"subscribed"));
            var answer = nats.request("ask." + unique, "hello over nats".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(20));
            assertThat(new String(answer.getData(), StandardCharsets.UTF_8)).isEqualTo("HELLO OVER NATS");
            assertThat(answer.getHeaders().getFirst("X-Status-Code")).isEqualTo("200");
        }
    }

    @Test
    void anEventGoesThroughTheAcceptChainAFunctionThatAsksForCredentialsIsNotAskedAndNeverGetsTheGateways()
            throws Exception {
        try (var gateway = TestGateway.start(Map.of("JFAAS_TRIGGERS", NATS)); var nats = Nats.connect(NATS)) {
            var deployment = Functions.forking("guarded-env", "env");
            deployment.put("annotations", Map.of("topic", "env." + unique, "com.jfaas.auth", "basic"));
            gateway.deploy(deployment);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(gateway.system("GET", "/system/triggers", null).body())
                    .contains("\"state\":\"subscribed"));
            var headers = new io.nats.client.impl.Headers().add("Authorization", TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD))
                    .add("X-Mine", "kept");
            var answer = nats.request(io.nats.client.impl.NatsMessage.builder().subject("env." + unique).headers(headers)
                    .data("{}".getBytes(StandardCharsets.UTF_8)).build(), Duration.ofSeconds(20));
            assertThat(answer.getHeaders().getFirst("X-Status-Code")).as("the subscription is the owner's: not a 401").isEqualTo("200");
            assertThat(new String(answer.getData(), StandardCharsets.UTF_8)).contains("Http_X_Mine=kept", "Http_X_Connector=nats")
                    .doesNotContain("Http_Authorization", TestGateway.PASSWORD);
        }
    }

    @Test
    void aBrokerThatIsDownDoesNotKeepTheGatewayFromStartingItsTopicsWait() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort(); // nothing listens here once closed
        }
        try (var gateway = TestGateway.start(Map.of("JFAAS_TRIGGERS", NATS + ",mqtt://127.0.0.1:" + closed));
                var nats = Nats.connect(NATS)) {
            var dir = Functions.write(Map.of("run.sh", KEEPER));
            gateway.deploy(keeper("patient", dir, "nats:up." + unique + ",mqtt:down/" + unique));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var answer = TestGateway.parse(gateway.system("GET", "/system/triggers", null).body());
                assertThat(answer.path("brokers").toString()).contains("mqtt://127.0.0.1:" + closed + " (not connected)");
                var states = new java.util.HashMap<String, String>();
                answer.path("triggers").forEach(t -> states.put(t.path("trigger").asText(), t.path("state").asText()));
                assertThat(states.get("nats")).as(answer.toString()).startsWith("subscribed");
                assertThat(states.get("mqtt")).as(answer.toString()).startsWith("waiting: ").contains("MQTT");
            });
            nats.publish("up." + unique, "still here".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(20)).until(() -> kept(dir).contains("still here"));
        }
    }

    @Test
    void badTriggersAreRefusedAtDeploy() {
        try (var gateway = TestGateway.start()) {
            for (var annotations : List.of(Map.of("topic", "cron-function", "schedule", "every day"),
                    Map.of("topic", "cron-function"), Map.of("topic", "has space"),
                    Map.of("topic", "mqtt:sensors", "note", "no mqtt broker in JFAAS_TRIGGERS"),
                    Map.of("topic", "cron-function", "schedule", "0 9 * * *", "com.jfaas.schedule.timezone", "Nowhere/Else"))) {
                var deployment = Functions.forking("bad", "cat");
                deployment.put("annotations", annotations);
                var response = gateway.system("POST", "/system/functions", deployment);
                assertThat(response.statusCode()).as(annotations.toString()).isEqualTo(400);
            }
            assertThat(gateway.system("GET", "/system/function/bad", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aCronFunctionFiresOnScheduleOnceWithTwoGatewaysOnOneNats() throws Exception {
        var shared = Map.of("JFAAS_QUEUE", NATS, "JFAAS_QUEUE_PREFIX", "cron" + unique);
        var dir = Functions.write(Map.of("run.sh", "echo \"$Http_X_Scheduled_Time $Http_X_Connector\" >> fired.log\n"));
        try (var first = TestGateway.start(shared); var second = TestGateway.start(shared)) {
            for (var gateway : List.of(first, second)) {
                var deployment = Functions.forking("tick", "sh run.sh");
                deployment.put("image", dir.toString());
                deployment.put("annotations", Map.of("topic", "cron-function", "schedule", "@every 1s"));
                gateway.deploy(deployment);
            }
            var log = dir.resolve("fired.log");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(log) && Files.readAllLines(log).size() >= 4);
            var schedules = TestGateway.parse(first.system("GET", "/system/triggers", null).body()).path("triggers");
            assertThat(schedules.get(0).path("schedule").asText()).isEqualTo("@every 1s");
            assertThat(schedules.get(0).path("next").asText()).isNotEmpty();
            first.system("DELETE", "/system/functions", Map.of("functionName", "tick"));
            second.system("DELETE", "/system/functions", Map.of("functionName", "tick"));
            var lines = Files.readAllLines(log);
            var perSecond = lines.stream().collect(Collectors.groupingBy(l -> l, HashMap::new, Collectors.counting()));
            assertThat(perSecond.values()).as("each firing ran once: %s", lines).allMatch(n -> n == 1);
            assertThat(lines).allMatch(l -> l.endsWith(" cron"));
        }
    }
}
