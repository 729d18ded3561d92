package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway serving several http-mode replicas, left idle past the minute after which the
 * virtual thread scheduler retires its spare carriers, still answers every kind of call. It once
 * did not: the replicas' log pumps, blocked reading quiet pipes on virtual threads, held every
 * carrier, and forking calls, async calls and deploys never answered again.
 */
class IdleTest {

    /** The scheduler retires spare carriers after 30 s idle; twice that and a margin. */
    static final Duration IDLE = Duration.ofSeconds(70);

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void everyModeAnswersAfterAMinuteIdleWithHttpReplicasRunning() throws Exception {
        var data = Files.createTempDirectory("jfaas-idle");
        // Its own JVM, so the other test classes' work cannot keep the scheduler busy, with as
        // many carriers as the 2-core machines it hung on had, whatever this machine has.
        try (var gateway = JfaasProcess.gateway(Map.of("JFAAS_PORT", "0", "JFAAS_DATA", data.toString(),
                "JFAAS_BASIC_AUTH_PASSWORD", TestGateway.PASSWORD, "JFAAS_EVENT_LOOPS", "2"),
                List.of("-Djdk.virtualThreadScheduler.parallelism=2"))) {
            var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            int port = gateway.port();
            for (var name : List.of("web-a", "web-b", "web-c")) {
                deploy(http, port, Functions.httpEcho(name, Map.of()));
            }
            deploy(http, port, Functions.forking("cat", "cat"));
            deploy(http, port, Functions.forking("stream", "cat", Map.of("mode", "streaming")));
            for (var name : List.of("web-a", "web-b", "web-c", "cat", "stream")) {
                awaitReady(http, port, name);
            }
            assertThat(call(http, port, "/function/cat", "before").body()).isEqualTo("before");

            // The point of the test is a gateway nobody talks to: nothing to poll for meanwhile.
            Thread.sleep(IDLE.toMillis());

            assertThat(call(http, port, "/function/cat", "after").body()).isEqualTo("after");
            assertThat(call(http, port, "/function/stream", "streamed").body()).isEqualTo("streamed");
            assertThat(call(http, port, "/function/web-b/x", "").statusCode()).isEqualTo(201); // the echo server's answer to a POST
            var accepted = call(http, port, "/async-function/cat", "queued");
            assertThat(accepted.statusCode()).isEqualTo(202);
            var callId = accepted.headers().firstValue("X-Call-Id").orElseThrow();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var result = GatewayHttp.send(http, port, "GET", "/system/calls/" + callId + "/result", null, true);
                assertThat(result.statusCode()).isEqualTo(200);
                assertThat(result.body()).isEqualTo("queued");
            });
            deploy(http, port, Functions.forking("late", "cat"));
            awaitReady(http, port, "late");
            assertThat(call(http, port, "/function/late", "new").body()).isEqualTo("new");
        }
    }

    private static void deploy(HttpClient http, int port, Map<String, Object> deployment) throws Exception {
        var response = GatewayHttp.send(http, port, "POST", "/system/functions", TestGateway.json(deployment), true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static void awaitReady(HttpClient http, int port, String name) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            var response = GatewayHttp.send(http, port, "GET", "/system/function/" + name, null, true);
            assertThat(TestGateway.parse(response.body()).path("availableReplicas").asInt()).isEqualTo(1);
        });
    }

    /** Every call gets five seconds: a hung gateway fails the test instead of stalling it. */
    private static HttpResponse<String> call(HttpClient http, int port, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
