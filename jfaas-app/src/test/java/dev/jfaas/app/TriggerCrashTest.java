package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.ConnectionFactory;
import dev.jfaas.queue.tck.BrokerAvailability;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * At least once through a crash: RabbitMQ delivers messages, the gateway stores their calls and
 * acknowledges them, and is killed with SIGKILL before any call has run; more messages come while
 * it is down. After a restart on the same data directory every message's call runs.
 */
class TriggerCrashTest {

    static final String AMQP = "amqp://guest:guest@127.0.0.1:5672";
    static final int BEFORE = 10;
    static final int WHILE_DOWN = 10;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    JfaasProcess gateway(Path data) throws Exception {
        return JfaasProcess.gateway(Map.of("JFAAS_PORT", "0", "JFAAS_DATA", data.toString(), "JFAAS_TRIGGERS", AMQP,
                "JFAAS_BASIC_AUTH_PASSWORD", TestGateway.PASSWORD, "JFAAS_LEASE_TIME", "2s"));
    }

    static List<String> got(Path dir) throws Exception {
        var log = dir.resolve("got.log");
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    @Test
    void messagesWhoseCallsWereStoredButNotRunRunAfterAKillAndThoseSentMeanwhileToo() throws Exception {
        BrokerAvailability.require("RabbitMQ", AMQP);
        var data = TestGateway.tempDir();
        // Each call waits for the file "go" before it takes its body: nothing runs before the kill.
        var dir = Functions.write(Map.of("run.sh", "while [ ! -e go ]; do sleep 0.05; done\nbody=$(cat)\necho \"$body\" >> got.log\n"));
        var factory = new ConnectionFactory();
        factory.setUri(AMQP);
        var first = gateway(data);
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            var deployment = Functions.forking("slowpoke", "sh run.sh");
            deployment.put("image", dir.toString());
            deployment.put("annotations", Map.of("topic", "amqp:crash." + unique));
            assertThat(GatewayHttp.send(http, first.port(), "POST", "/system/functions", TestGateway.json(deployment), true)
                    .statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> GatewayHttp.send(http, first.port(), "GET", "/system/triggers", null, true)
                    .body().contains("\"state\":\"subscribed"));
            for (int i = 0; i < BEFORE; i++) {
                channel.basicPublish("amq.topic", "crash." + unique, null, ("before " + i).getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.parse(GatewayHttp.send(http, first.port(), "GET",
                    "/system/calls?function=slowpoke", null, true).body()).size() == BEFORE);
            first.kill(); // SIGKILL: the calls are stored and acknowledged, none has run
            assertThat(got(dir)).isEmpty();

            for (int i = 0; i < WHILE_DOWN; i++) {
                channel.basicPublish("amq.topic", "crash." + unique, null, ("meanwhile " + i).getBytes(StandardCharsets.UTF_8));
            }
            Files.writeString(dir.resolve("go"), "");
            try (var second = gateway(data)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(got(dir)).size() == BEFORE + WHILE_DOWN);
                var runs = got(dir);
                var perMessage = runs.stream().collect(Collectors.groupingBy(l -> l, Collectors.counting()));
                long twice = perMessage.values().stream().filter(n -> n > 1).count();
                System.out.printf("trigger crash test: %d messages before kill -9 (stored, not run), %d while down; all %d ran,"
                        + " %d more than once%n", BEFORE, WHILE_DOWN, perMessage.size(), twice);
                assertThat(perMessage.keySet()).hasSize(BEFORE + WHILE_DOWN);
                var deleted = GatewayHttp.send(http, second.port(), "DELETE", "/system/functions",
                        TestGateway.json(Map.of("functionName", "slowpoke")), true);
                assertThat(deleted.statusCode()).isEqualTo(202);
            }
        } finally {
            first.close();
        }
    }
}
