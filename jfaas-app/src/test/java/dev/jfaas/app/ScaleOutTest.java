package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.queue.nats.NatsSettings;
import dev.jfaas.queue.tck.BrokerAvailability;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two gateways and two standalone workers, four processes, on one JetStream: calls accepted by
 * either gateway are run by either worker, results are readable from both, and when one worker
 * is killed mid-run the other finishes everything.
 */
class ScaleOutTest {

    static final String URL = System.getenv().getOrDefault("JFAAS_TEST_NATS_URL", NatsSettings.DEFAULT_URL);
    static final int CALLS = 5000;
    static final int CLIENTS = 16;
    static final int WORKER_CONCURRENCY = 16;

    private final String prefix = "so" + UUID.randomUUID().toString().substring(0, 10);
    private final List<JfaasProcess> processes = new ArrayList<>();

    @BeforeAll
    static void brokerIsThere() {
        BrokerAvailability.require("NATS JetStream", URL);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (var p : processes) {
            p.close();
        }
        BrokerCleanup.remove(URL, prefix);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void twoGatewaysAndTwoWorkersShareOneJetStream() throws Exception {
        var fnDir = Functions.write(Map.of("run.sh", GatewayHttp.RECORDER));
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var shared = Map.of("JFAAS_QUEUE", URL, "JFAAS_QUEUE_PREFIX", prefix,
                "JFAAS_WORKER", "false", "JFAAS_PORT", "0", "JFAAS_EVENT_LOOPS", "1",
                "JFAAS_BASIC_AUTH_PASSWORD", TestGateway.PASSWORD);
        var gateways = new ArrayList<JfaasProcess>();
        for (int g = 0; g < 2; g++) {
            var env = new HashMap<>(shared);
            env.put("JFAAS_DATA", TestGateway.tempDir().toString());
            var gateway = started(JfaasProcess.gateway(env));
            var deployment = Functions.forking("recorder", "sh run.sh");
            deployment.put("image", fnDir.toString());
            assertThat(GatewayHttp.send(http, gateway.port(), "POST", "/system/functions", TestGateway.json(deployment), true)
                    .statusCode()).isEqualTo(202);
            gateways.add(gateway);
        }
        var workers = new ArrayList<JfaasProcess>();
        for (var gateway : gateways) {
            workers.add(started(JfaasProcess.worker(List.of("--broker", URL, "--prefix", prefix,
                    "--gateway", "http://127.0.0.1:" + gateway.port(), "--concurrency", Integer.toString(WORKER_CONCURRENCY),
                    "--lease-time", "2s", "--metrics-port", "0"), Map.of("JFAAS_GATEWAY_PASSWORD", TestGateway.PASSWORD))));
        }

        var accepted = ConcurrentHashMap.<String>newKeySet();
        var next = new AtomicInteger();
        var clients = new ArrayList<CompletableFuture<Void>>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(CompletableFuture.runAsync(() -> {
                for (int i; (i = next.getAndIncrement()) < CALLS; ) {
                    try {
                        var response = GatewayHttp.send(http, gateways.get(i % 2).port(), "POST", "/async-function/recorder", "x", false);
                        assertThat(response.statusCode()).isEqualTo(202);
                        accepted.add(response.headers().firstValue("X-Call-Id").orElseThrow());
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        // Kill one worker once a third of the calls have run: its calls in flight must be run by the other.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> GatewayHttp.ranCalls(fnDir).size() >= CALLS / 3);
        workers.getFirst().kill();
        int ranAtKill = GatewayHttp.ranCalls(fnDir).size();
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        assertThat(accepted).hasSize(CALLS);

        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                .until(() -> GatewayHttp.countWith(http, gateways.get(1).port(), "succeeded") >= CALLS);
        var perCall = GatewayHttp.ranCalls(fnDir).stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perCall.keySet()).containsAll(accepted);
        long twice = perCall.values().stream().filter(n -> n > 1).count();
        assertThat(twice).as("only calls in flight on the killed worker may run twice").isLessThanOrEqualTo(WORKER_CONCURRENCY);
        assertThat(ranAtKill).as("the worker died while work remained").isLessThan(CALLS);

        var sample = accepted.stream().limit(50).toList();
        for (var id : sample) {
            for (var gateway : gateways) {
                var result = GatewayHttp.send(http, gateway.port(), "GET", "/system/calls/" + id + "/result", null, true);
                assertThat(result.statusCode()).as("result of %s from either gateway", id).isEqualTo(200);
                assertThat(result.body().strip()).isEqualTo("done");
            }
        }
        var metrics = GatewayHttp.send(http, workers.get(1).port(), "GET", "/metrics", null, false).body();
        assertThat(metrics).as("the surviving worker counts what it ran")
                .containsPattern("jfaas_async_attempts_total\\{function_name=\"recorder.openfaas-fn\",outcome=\"succeeded\"\\} [1-9]");
        System.out.printf("scale-out: %d calls over 2 gateways, worker 1 killed after %d had run, %d ran twice%n",
                CALLS, ranAtKill, twice);
    }

    /**
     * A standalone worker keeps a function to the limit its owner annotated (read from the
     * gateway), and the functions of its queue take turns: a backlog of one does not hold up another.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aStandaloneWorkerLetsFunctionsTakeTurns() throws Exception {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var env = new HashMap<>(Map.of("JFAAS_QUEUE", URL, "JFAAS_QUEUE_PREFIX", prefix, "JFAAS_WORKER", "false",
                "JFAAS_PORT", "0", "JFAAS_EVENT_LOOPS", "1", "JFAAS_BASIC_AUTH_PASSWORD", TestGateway.PASSWORD));
        env.put("JFAAS_DATA", TestGateway.tempDir().toString());
        var gateway = started(JfaasProcess.gateway(env));
        var backlog = Functions.forking("backlog", "sleep 0.3");
        backlog.put("annotations", Map.of("com.jfaas.queue.concurrency", "1"));
        for (var deployment : List.of(backlog, Functions.forking("prompt", "cat"))) {
            assertThat(GatewayHttp.send(http, gateway.port(), "POST", "/system/functions", TestGateway.json(deployment), true)
                    .statusCode()).isEqualTo(202);
        }
        var worker = started(JfaasProcess.worker(List.of("--broker", URL, "--prefix", prefix,
                "--gateway", "http://127.0.0.1:" + gateway.port(), "--concurrency", "8", "--metrics-port", "0"),
                Map.of("JFAAS_GATEWAY_PASSWORD", TestGateway.PASSWORD)));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                GatewayHttp.send(http, worker.port(), "GET", "/healthz", null, false).statusCode() == 200);
        var waiting = new ArrayList<String>();
        for (int i = 0; i < 30; i++) {
            waiting.add(GatewayHttp.send(http, gateway.port(), "POST", "/async-function/backlog", "b" + i, false)
                    .headers().firstValue("X-Call-Id").orElseThrow());
        }
        var quick = GatewayHttp.send(http, gateway.port(), "POST", "/async-function/prompt", "not behind them", false)
                .headers().firstValue("X-Call-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> TestGateway.parse(
                GatewayHttp.send(http, gateway.port(), "GET", "/system/calls/" + quick, null, true).body())
                .path("status").asText().equals("succeeded"));
        long stillQueued = waiting.stream().filter(id -> {
            try {
                return TestGateway.parse(GatewayHttp.send(http, gateway.port(), "GET", "/system/calls/" + id, null, true).body())
                        .path("status").asText().equals("queued");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).count();
        assertThat(stillQueued).as("the prompt call ran while most of the 9 s backlog waited").isGreaterThan(15);
    }

    private JfaasProcess started(JfaasProcess process) {
        processes.add(process);
        return process;
    }
}
