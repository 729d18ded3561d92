package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many more calls at once than a replica can run, without credentials, to a gateway with the
 * launcher's heap (96 MB) in a JVM of its own, to a forking replica and to a thread-per-connection
 * http server: every one is answered, with the function's answer or a 429 that says when to come
 * back; never a 502, a 408, a connection closed unanswered or a gateway gone ({@link Burst} counts
 * each of those apart).
 * Isolated: its bursts of 10,000 connections take both cores for seconds, and gateways other
 * classes started meanwhile did not get to listen within a minute (a CI run of 2026-12-07).
 */
@Isolated
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OverloadTest {

    static JfaasProcess gateway;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        var data = Files.createTempDirectory("jfaas-overload");
        gateway = JfaasProcess.gateway(Map.of("JFAAS_PORT", "0", "JFAAS_DATA", data.toString(),
                "JFAAS_BASIC_AUTH_PASSWORD", TestGateway.PASSWORD), List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"));
        var sleepy = Functions.forking("sleepy", "sleep 1");
        sleepy.put("labels", Map.of("com.openfaas.scale.min", "1", "com.openfaas.scale.max", "1"));
        var response = GatewayHttp.send(http, gateway.port(), "POST", "/system/functions", TestGateway.json(sleepy), true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String server; // shared with bench/overload.sh
        try (var in = OverloadTest.class.getResourceAsStream("/overload/server.py")) {
            server = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        var slowWeb = Functions.inDirectory("slow-web", "python3 -u server.py", Map.of("mode", "http"), Map.of("server.py", server));
        slowWeb.put("labels", Map.of("com.openfaas.scale.min", "1", "com.openfaas.scale.max", "1"));
        response = GatewayHttp.send(http, gateway.port(), "POST", "/system/functions", TestGateway.json(slowWeb), true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        for (var name : List.of("sleepy", "slow-web")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.parse(GatewayHttp.send(http, gateway.port(), "GET",
                    "/system/function/" + name, null, true).body()).path("availableReplicas").asInt() == 1);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    /**
     * 2,000 fit in the gateway's connections (about 2,200 with this heap); of 10,000 the rest wait to
     * be accepted (a caller's connection that has sent its request is never closed to make room).
     */
    @ParameterizedTest(name = "{1} calls at once to {0}")
    @CsvSource({"slow-web, 2000", "sleepy, 2000", "slow-web, 10000", "sleepy, 10000"})
    void slowCallsAtOnceAreAllAnswered(String function, int count) throws Exception {
        long fds = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        assumeTrue(fds > count + 2_000L, "this machine lets a process open " + fds + " files, too few for " + count
                + " sockets at once (raise the hard limit of nofile)");
        var statuses = Burst.post(URI.create("http://127.0.0.1:" + gateway.port() + "/function/" + function), count,
                Duration.ofSeconds(150));
        System.out.println("overload: " + count + " calls at once to " + function + " (1 s each): " + statuses);
        assertThat(statuses.keySet()).as("statuses (%s)", statuses).isSubsetOf(200, 429, 503);
        assertThat(statuses.getOrDefault(200, 0)).as(statuses.toString()).isGreaterThan(500);
        assertThat(gateway.process().isAlive()).isTrue();
        assertThat(GatewayHttp.send(http, gateway.port(), "GET", "/healthz", null, false).statusCode()).isEqualTo(200);
        // And the replica still serves: nothing of the burst is left holding its pids or connections.
        assertThat(GatewayHttp.send(http, gateway.port(), "POST", "/function/" + function, "x", false).statusCode())
                .isEqualTo(200);
    }
}
