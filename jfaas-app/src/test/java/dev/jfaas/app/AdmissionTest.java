package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sync bursts wait in admission queues instead of failing; what does not fit is refused clearly. */
class AdmissionTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    static Path deploy(String name, String script, Map<String, String> env) {
        var deployment = Functions.inDirectory(name, "sh run.sh", env, Map.of("run.sh", script));
        gateway.deploy(deployment);
        return Path.of((String) deployment.get("image"));
    }

    static List<HttpResponse<String>> concurrently(int n, java.util.function.IntFunction<HttpResponse<String>> call) {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(CompletableFuture.supplyAsync(() -> call.apply(index), pool));
            }
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }

    @Test
    void aBurstWaitsForTwoSlotsAndEveryCallSucceeds() {
        deploy("burst", "sleep 0.02; echo ok\n", Map.of("max_inflight", "2"));
        var responses = concurrently(200, i -> gateway.call("POST", "/function/burst", ""));
        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(gateway.call("GET", "/metrics", null).body())
                .containsPattern("jfaas_admission_wait_seconds_count\\{function_name=\"burst.openfaas-fn\"} [1-9]");
    }

    @Test
    void whatDoesNotFitInMaxQueuedGets429() {
        deploy("narrow", "sleep 0.5; echo ok\n", Map.of("max_inflight", "1", "max_queued", "3"));
        var responses = concurrently(12, i -> gateway.call("POST", "/function/narrow", ""));
        var refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200, 429);
        assertThat(refused).hasSizeGreaterThanOrEqualTo(5);
        assertThat(refused.getFirst().headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.getFirst().headers().firstValue("X-Jfaas-Internal")).hasValue("admission");
        assertThat(refused.getFirst().body()).contains("max_queued");
    }

    @Test
    void waitingPastQueueTimeoutGets429() {
        deploy("slowpoke", "sleep 3; echo ok\n", Map.of("max_inflight", "1", "queue_timeout", "500ms"));
        var responses = concurrently(2, i -> gateway.call("POST", "/function/slowpoke", ""));
        assertThat(responses).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 429);
        assertThat(responses.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow().body())
                .contains("queue_timeout");
    }

    @Test
    void higherPriorityWaitersOvertakeLowerOnes() throws Exception {
        var dir = deploy("ordered", "body=$(cat); echo \"$body\" >> order.txt; if [ \"$body\" = blocker ]; then sleep 3; fi\n",
                Map.of("max_inflight", "1"));
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var calls = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            calls.add(CompletableFuture.supplyAsync(() -> gateway.call("POST", "/function/ordered", "blocker"), pool));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("order.txt")));
            int waiting = 0;
            for (var body : List.of("low-1", "low-2")) {
                calls.add(CompletableFuture.supplyAsync(() -> gateway.call("POST", "/function/ordered", body), pool));
                var expected = "jfaas_admission_waiting{function_name=\"ordered.openfaas-fn\"} " + (++waiting);
                await().atMost(Duration.ofSeconds(10)).until(() -> gateway.call("GET", "/metrics", null).body().contains(expected));
            }
            calls.add(CompletableFuture.supplyAsync(() -> gateway.call("POST", "/function/ordered", "high", "X-Priority", "9"), pool));
            calls.forEach(c -> assertThat(c.join().statusCode()).isEqualTo(200));
        }
        var order = Files.readAllLines(dir.resolve("order.txt"));
        assertThat(order).containsExactly("blocker", "high", "low-1", "low-2");
    }

    @Test
    void theGatewayWideLimitQueuesThenRefusesWith503() {
        try (var small = TestGateway.start(Map.of("JFAAS_GATEWAY_MAX_INFLIGHT", "1", "JFAAS_GATEWAY_MAX_QUEUED", "1"))) {
            var deployment = Functions.inDirectory("hold", "sh run.sh", Map.of(), Map.of("run.sh", "sleep 0.5; echo ok\n"));
            small.deploy(deployment);
            var responses = concurrently(4, i -> small.call("POST", "/function/hold", ""));
            assertThat(responses).extracting(HttpResponse::statusCode).contains(200, 503);
            var refused = responses.stream().filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
            assertThat(refused.headers().firstValue("X-Jfaas-Internal")).hasValue("admission");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        }
    }
}
