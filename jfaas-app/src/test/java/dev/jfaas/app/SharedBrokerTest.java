package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.queue.tck.BrokerAvailability;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two gateways on one broker, only one of them running workers: a call accepted by the other is
 * run, its result can be read from both, and a caller waiting on the accepting gateway
 * ({@code Prefer: respond-async, wait=N}) gets the answer as soon as the remote worker is done.
 */
class SharedBrokerTest {

    /** The broker a test of {@code url}'s kind runs on (the environment may name another), there or the test fails. */
    private static String broker(String url) {
        var broker = url.startsWith("nats") ? System.getenv().getOrDefault("JFAAS_TEST_NATS_URL", url)
                : System.getenv().getOrDefault("JFAAS_TEST_REDIS_URL", url);
        BrokerAvailability.require(url.startsWith("nats") ? "NATS JetStream" : "Redis", broker);
        return broker;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nats://127.0.0.1:4222", "redis://127.0.0.1:6379"})
    void aCallAcceptedByOneGatewayIsRunByTheOthersWorker(String url) throws Exception {
        var broker = broker(url);
        var prefix = "sh" + UUID.randomUUID().toString().substring(0, 10);
        var deployment = Functions.forking("echo", "cat");
        try (var runner = TestGateway.start(Map.of("JFAAS_QUEUE", broker, "JFAAS_QUEUE_PREFIX", prefix));
                var acceptor = TestGateway.start(Map.of("JFAAS_QUEUE", broker, "JFAAS_QUEUE_PREFIX", prefix,
                        "JFAAS_WORKER", "false"))) {
            runner.deploy(deployment);
            acceptor.deploy(deployment);

            var accepted = acceptor.call("POST", "/async-function/echo", "hello from the other side");
            assertThat(accepted.statusCode()).isEqualTo(202);
            var callId = accepted.headers().firstValue("X-Call-Id").orElseThrow();
            for (var gateway : new TestGateway[] {acceptor, runner}) {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    var result = gateway.system("GET", "/system/calls/" + callId + "/result", null);
                    assertThat(result.statusCode()).isEqualTo(200);
                    assertThat(result.body()).isEqualTo("hello from the other side");
                });
            }

            long started = System.nanoTime();
            var waited = acceptor.call("POST", "/async-function/echo", "wait for me", "Prefer", "respond-async, wait=20");
            assertThat(waited.statusCode()).isEqualTo(200);
            assertThat(waited.body()).isEqualTo("wait for me");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered when done, not at the end of the wait")
                    .isLessThan(Duration.ofSeconds(10));
        } finally {
            BrokerCleanup.remove(broker, prefix);
        }
    }

    /** The functions of one queue take turns on a broker too, whichever process accepted their calls. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nats://127.0.0.1:4222", "redis://127.0.0.1:6379"})
    void aBacklogOfOneFunctionDoesNotHoldUpAnothersCallOnABroker(String url) throws Exception {
        var broker = broker(url);
        var prefix = "fa" + UUID.randomUUID().toString().substring(0, 10);
        var backlog = Functions.forking("backlog", "sleep 0.3", Map.of("max_inflight", "1"));
        var prompt = Functions.forking("prompt", "cat");
        try (var runner = TestGateway.start(Map.of("JFAAS_QUEUE", broker, "JFAAS_QUEUE_PREFIX", prefix));
                var acceptor = TestGateway.start(Map.of("JFAAS_QUEUE", broker, "JFAAS_QUEUE_PREFIX", prefix,
                        "JFAAS_WORKER", "false"))) {
            for (var gateway : new TestGateway[] {runner, acceptor}) {
                gateway.deploy(backlog);
                gateway.deploy(prompt);
            }
            var waiting = new java.util.ArrayList<String>();
            for (int i = 0; i < 30; i++) {
                waiting.add(acceptor.call("POST", "/async-function/backlog", "b" + i).headers().firstValue("X-Call-Id").orElseThrow());
            }
            var quick = acceptor.call("POST", "/async-function/prompt", "not behind them").headers().firstValue("X-Call-Id").orElseThrow();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> TestGateway.parse(
                    acceptor.system("GET", "/system/calls/" + quick, null).body()).path("status").asText().equals("succeeded"));
            long stillQueued = waiting.stream().filter(id -> TestGateway.parse(acceptor.system("GET", "/system/calls/" + id, null)
                    .body()).path("status").asText().equals("queued")).count();
            assertThat(stillQueued).as("the prompt call ran while most of the 9 s backlog still waited").isGreaterThan(15);
        } finally {
            BrokerCleanup.remove(broker, prefix);
        }
    }
}
