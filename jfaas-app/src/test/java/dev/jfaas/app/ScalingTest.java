package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Functions scale 0 → N → 0: from zero on the first call, up under load, down and to zero when idle. */
class ScalingTest {

    static final Map<String, String> FAST_AUTOSCALER = Map.of("JFAAS_AUTOSCALE_INTERVAL", "200ms",
            "JFAAS_SCALE_DOWN_WINDOW", "1s");

    @Test
    void steadyLoadScalesUpToMaxAndBackDownWhenItStops() {
        try (var gateway = TestGateway.start(FAST_AUTOSCALER)) {
            var deployment = Functions.inDirectory("elastic", "sh run.sh", Map.of(), Map.of("run.sh", "sleep 0.2; echo ok\n"));
            deployment.put("labels", Map.of("com.openfaas.scale.min", "1", "com.openfaas.scale.max", "3",
                    "com.openfaas.scale.target", "2", "com.openfaas.scale.type", "capacity",
                    "com.openfaas.scale.target-proportion", "1"));
            gateway.deploy(deployment);
            var loading = new AtomicBoolean(true);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                var clients = new ArrayList<CompletableFuture<Void>>();
                for (int i = 0; i < 6; i++) {
                    clients.add(CompletableFuture.runAsync(() -> {
                        while (loading.get()) {
                            assertThat(gateway.call("POST", "/function/elastic", "").statusCode()).isEqualTo(200);
                        }
                    }, pool));
                }
                await().atMost(Duration.ofSeconds(40)).until(() -> gateway.describe("elastic").path("replicas").asInt() == 3);
                gateway.awaitReady("elastic", 3);
                loading.set(false);
                clients.forEach(CompletableFuture::join);
            }
            await().atMost(Duration.ofSeconds(40)).until(() -> gateway.describe("elastic").path("replicas").asInt() == 1);
            assertThat(gateway.call("GET", "/metrics", null).body()).contains("gateway_service_count{function_name=\"elastic.openfaas-fn\"} 1");
        }
    }

    /** As OpenFaaS CE: labels giving only min and max scale a function called 10 times a second (over 5/s). */
    @Test
    void tenCallsASecondWithOnlyMinAndMaxLabelsScaleToTwoThenBackToOneThenToZero() throws Exception {
        try (var gateway = TestGateway.start(Map.of("JFAAS_AUTOSCALE_INTERVAL", "500ms", "JFAAS_SCALE_DOWN_WINDOW", "3s"))) {
            var deployment = Functions.forking("steady", "cat");
            deployment.put("labels", Map.of("com.openfaas.scale.min", "1", "com.openfaas.scale.max", "2"));
            gateway.deploy(deployment);
            var ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            var calls = ticker.scheduleAtFixedRate(() -> Thread.ofVirtual().start(() ->
                    gateway.call("POST", "/function/steady", "x")), 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> gateway.describe("steady").path("replicas").asInt() == 2);
            } finally {
                calls.cancel(false);
                ticker.shutdown();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.describe("steady").path("replicas").asInt() == 1);

            var parked = Functions.forking("parked", "cat");
            parked.put("labels", Map.of("com.openfaas.scale.min", "1", "com.openfaas.scale.max", "2",
                    "com.openfaas.scale.zero", "true", "com.openfaas.scale.zero-duration", "2s"));
            gateway.deploy(parked);
            assertThat(gateway.call("POST", "/function/parked", "before").body()).isEqualTo("before");
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.describe("parked").path("replicas").asInt() == 0);
            assertThat(gateway.call("POST", "/function/parked", "again").body()).isEqualTo("again");
            // The call brought it back from zero (its replica count may be back at 0 by the time it is
            // read: on a loaded machine the cold start itself can outlast the 2 s zero-duration).
            assertThat(gateway.call("GET", "/metrics", null).body())
                    .containsPattern("jfaas_cold_start_seconds_count\\{function_name=\"parked.openfaas-fn\"} [1-9]");
        }
    }

    @Test
    void idleFunctionScalesToZeroAndTheNextCallBringsItBack() {
        try (var gateway = TestGateway.start(FAST_AUTOSCALER)) {
            var deployment = Functions.httpEcho("napper", Map.of());
            deployment.put("labels", Map.of("com.openfaas.scale.zero", "true", "com.openfaas.scale.zero-duration", "1s"));
            gateway.deploy(deployment);
            assertThat(gateway.call("GET", "/function/napper/", null).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(40)).until(() -> gateway.describe("napper").path("replicas").asInt() == 0);
            gateway.awaitReady("napper", 0);
            var response = gateway.call("GET", "/function/napper/after-nap", null);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(gateway.call("GET", "/metrics", null).body())
                    .containsPattern("jfaas_cold_start_seconds_count\\{function_name=\"napper.openfaas-fn\"} [1-9]");
        }
    }

    @Test
    void fiftyConcurrentFirstCallsShareOneScaleUp() {
        var settings = new HashMap<>(Map.of("JFAAS_AUTOSCALE", "false"));
        try (var gateway = TestGateway.start(settings)) {
            gateway.deploy(Functions.httpEcho("cold", Map.of()));
            gateway.system("POST", "/system/scale-function/cold", Map.of("replicas", 0));
            gateway.awaitReady("cold", 0);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                var calls = new ArrayList<CompletableFuture<HttpResponse<String>>>();
                for (int i = 0; i < 50; i++) {
                    calls.add(CompletableFuture.supplyAsync(() -> gateway.call("GET", "/function/cold/", null), pool));
                }
                calls.forEach(c -> assertThat(c.join()).satisfies(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200)));
            }
            assertThat(gateway.describe("cold").path("replicas").asInt()).isEqualTo(1);
            var logs = gateway.system("GET", "/system/logs?name=cold", null).body();
            long starts = logs.lines().filter(l -> l.contains("listening on")).map(l -> TestGateway.parse(l).path("instance").asText())
                    .distinct().count();
            assertThat(starts).as("replicas started since the scale to zero, plus the first one").isEqualTo(2);
        }
    }
}
