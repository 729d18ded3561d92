package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 the gateway (a separate JVM) while it accepts and runs async calls, start it again on
 * the same data directory, and prove that no call that got a 202 is lost.
 */
class CrashTest {

    static final int CALLS = 2000;
    static final int CLIENTS = 8;
    static final int WORKER_CONCURRENCY = 16;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyAcceptedCallEndsExactlyOnceDespiteKillMinus9() throws Exception {
        var data = Files.createTempDirectory("jfaas-crash");
        var fnDir = Functions.write(Map.of("run.sh", GatewayHttp.RECORDER));
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        var first = startGateway(data);
        var deployment = Functions.forking("recorder", "sh run.sh");
        deployment.put("image", fnDir.toString());
        var deployed = GatewayHttp.send(http, first.port(), "POST", "/system/functions", TestGateway.json(deployment), true);
        assertThat(deployed.statusCode()).isEqualTo(202);

        var accepted = ConcurrentHashMap.<String>newKeySet();
        var sent = new AtomicInteger();
        var killed = new CompletableFuture<Void>();
        var clients = new ArrayList<CompletableFuture<Void>>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(CompletableFuture.runAsync(() -> {
                while (sent.incrementAndGet() <= CALLS) {
                    try {
                        var response = GatewayHttp.send(http, first.port(), "POST", "/async-function/recorder", "x", false);
                        if (response.statusCode() == 202) {
                            accepted.add(response.headers().firstValue("X-Call-Id").orElseThrow());
                        }
                    } catch (IOException e) {
                        if (killed.isDone()) {
                            return; // the gateway is gone: calls without a 202 were never promised
                        }
                    }
                    if (accepted.size() >= CALLS / 2 && !killed.isDone()) {
                        first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                        killed.complete(null);
                    }
                }
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        assertThat(killed).as("the gateway was killed while calls were still coming").isDone();
        first.process().waitFor(10, TimeUnit.SECONDS);
        var ranBeforeKill = GatewayHttp.ranCalls(fnDir).size();

        var second = startGateway(data);
        var acceptedBeforeKill = accepted.size();
        try {
            // The rest of the calls go to the restarted gateway while it recovers the first half.
            var more = new ArrayList<CompletableFuture<Void>>();
            var remaining = new AtomicInteger(CALLS - acceptedBeforeKill);
            for (int c = 0; c < CLIENTS; c++) {
                more.add(CompletableFuture.runAsync(() -> {
                    while (remaining.getAndDecrement() > 0) {
                        try {
                            var response = GatewayHttp.send(http, second.port(), "POST", "/async-function/recorder", "x", false);
                            assertThat(response.statusCode()).isEqualTo(202);
                            accepted.add(response.headers().firstValue("X-Call-Id").orElseThrow());
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }));
            }
            CompletableFuture.allOf(more.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertThat(accepted).hasSizeGreaterThanOrEqualTo(CALLS);
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() ->
                    GatewayHttp.countWith(http, second.port(), "succeeded") >= accepted.size());
            for (var id : accepted) {
                var record = GatewayHttp.send(http, second.port(), "GET", "/system/calls/" + id, null, true);
                assertThat(record.statusCode()).as("call %s was accepted, so it must be known", id).isEqualTo(200);
                assertThat(TestGateway.parse(record.body()).path("status").asText()).isEqualTo("succeeded");
            }
            var runs = GatewayHttp.ranCalls(fnDir);
            var perCall = runs.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(perCall.keySet()).containsAll(accepted);
            long duplicates = perCall.values().stream().filter(n -> n > 1).count();
            assertThat(duplicates).as("only calls in flight at the kill may run twice").isLessThanOrEqualTo(WORKER_CONCURRENCY);
            assertThat(ranBeforeKill).as("work was being done when the gateway died").isPositive();
            System.out.printf("crash test: %d calls accepted in all, %d before kill -9, %d had run before it, %d ran twice%n",
                    accepted.size(), acceptedBeforeKill, ranBeforeKill, duplicates);
        } finally {
            second.process().destroy();
            second.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code jfaas up} in its own JVM and waits for its "listening" line. */
    private static JfaasProcess startGateway(Path data) throws Exception {
        return JfaasProcess.gateway(Map.of("JFAAS_PORT", "0", "JFAAS_DATA", data.toString(),
                "JFAAS_BASIC_AUTH_PASSWORD", TestGateway.PASSWORD, "JFAAS_EVENT_LOOPS", "2",
                "JFAAS_QUEUE_MAX_INFLIGHT", Integer.toString(WORKER_CONCURRENCY), "JFAAS_LEASE_TIME", "2s"));
    }

}
