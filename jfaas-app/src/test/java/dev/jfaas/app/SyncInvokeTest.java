package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Synchronous calls through the real gateway to real function processes in every watchdog mode. */
class SyncInvokeTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @BeforeAll
    static void deploy() {
        gateway.deploy(Functions.forking("cat", "cat"));
        gateway.deploy(Functions.forking("env", "env"));
        gateway.deploy(Functions.forking("sha", "sha512sum", Map.of("exec_timeout", "2m")));
        gateway.deploy(Functions.forking("stream", "cat", Map.of("mode", "streaming", "exec_timeout", "2m")));
        gateway.deploy(Functions.forking("crash", "ls /no/such/path"));
        gateway.deploy(Functions.forking("sleepy", "sleep 10", Map.of("exec_timeout", "1s")));
        gateway.deploy(Functions.httpEcho("web", Map.of("exec_timeout", "2s")));
    }

    @Test
    void serializingModeEchoesTheBody() {
        var response = gateway.call("POST", "/function/cat", "hello jfaas");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello jfaas");
        assertThat(response.headers().firstValue("X-Call-Id")).isPresent();
        assertThat(response.headers().firstValue("X-Start-Time").orElseThrow()).matches("\\d{18,}");
        assertThat(Double.parseDouble(response.headers().firstValue("X-Duration-Seconds").orElseThrow())).isPositive();
    }

    @Test
    void aCallersConnectionHeadersAreItsOwnTheConnectionClosesAsAskedAndTheFunctionSeesThemNot() throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("PUT /function/env HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Keep-Alive: timeout=5\r\nX-Kept: end to end\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // read to the end: the gateway closes the connection after the answer, as the caller asked
            var answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
                    .contains("Http_X_Kept=end to end").doesNotContain("Http_Keep_Alive")
                    .doesNotContain("Http_Connection");
        }
    }

    @Test
    void callersCallIdIsKept() {
        var response = gateway.call("POST", "/function/cat", "x", "X-Call-Id", "my-call-1");
        assertThat(response.headers().firstValue("X-Call-Id")).hasValue("my-call-1");
    }

    @Test
    void forkingModesSeeRequestAsHttpEnvironmentVariables() {
        var response = gateway.call("PUT", "/function/env/some/path?a=1&b=two", "", "X-Custom-Thing", "value-42");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("Http_Method=PUT")
                .contains("Http_Path=/some/path")
                .contains("Http_Query=a=1&b=two")
                .contains("Http_X_Custom_Thing=value-42")
                .contains("fprocess=env")
                .doesNotContain("JFAAS_BASIC_AUTH_PASSWORD");
    }

    @Test
    void tenMegabytesStreamThroughAForkingFunction() throws Exception {
        var body = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(body);
        var expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(body));
        var request = HttpRequest.newBuilder(gateway.uri("/function/sha")).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        var response = gateway.send(request);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith(expected);
    }

    @Test
    void streamingModeStreamsTenMegabytesBothWays() throws Exception {
        var body = new byte[10 * 1024 * 1024];
        new Random(11).nextBytes(body);
        // A client that reads the answer while it still sends, as streaming needs: the JDK's
        // HttpClient reads only after the whole request is sent, which deadlocks once 10 MB no
        // longer fits in the socket and pipe buffers between it and cat.
        var vertx = io.vertx.core.Vertx.vertx();
        try {
            var client = vertx.createHttpClient();
            var options = new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                    .setHost("127.0.0.1").setPort(gateway.port()).setURI("/function/stream");
            var got = client.request(options)
                    .compose(request -> request.setChunked(true).send(io.vertx.core.buffer.Buffer.buffer(body)))
                    .compose(response -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        return response.body();
                    })
                    .toCompletionStage().toCompletableFuture().get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(got.length()).isEqualTo(body.length);
            assertThat(java.util.Arrays.equals(got.getBytes(), body)).as("streamed bytes are unchanged").isTrue();
        } finally {
            vertx.close();
        }
    }

    @Test
    void expectContinueIsAnswered() {
        var request = HttpRequest.newBuilder(gateway.uri("/function/cat")).expectContinue(true).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))).build();
        // Without a "100 Continue" the client would hold the body back until its timeout fails the call.
        var response = gateway.send(request);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(5000);
    }

    @Test
    void failingProcessIs500WithItsStderr() {
        var response = gateway.call("POST", "/function/crash", "");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("/no/such/path");
        assertThat(response.headers().firstValue("X-Jfaas-Internal")).isEmpty();
    }

    @Test
    void forkingProcessPastExecTimeoutIsKilledWith408() {
        long start = System.nanoTime();
        var response = gateway.call("POST", "/function/sleepy", "");
        assertThat(response.statusCode()).isEqualTo(408);
        assertThat(response.headers().firstValue("X-Jfaas-Internal")).hasValue("forward");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void aCallerThatGoesAwayStopsItsProcess() throws Exception {
        // The sleep's odd length marks it among the machine's processes: inside its sandbox the
        // script's own pid means nothing out here.
        var deployment = Functions.inDirectory("abandoned", "sh run.sh", Map.of("exec_timeout", "60s"),
                Map.of("run.sh", "echo started > started; sleep 30.113\n"));
        gateway.deploy(deployment);
        var dir = java.nio.file.Path.of((String) deployment.get("image"));
        var request = HttpRequest.newBuilder(gateway.uri("/function/abandoned")).timeout(Duration.ofMillis(1500))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> gateway.http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
        assertThat(dir.resolve("started")).exists();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ChildProcesses.running("sleep", "30.113") == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    void httpModeProxiesEveryVerbWithPathQueryHeadersAndBody(String method) {
        var body = method.equals("GET") || method.equals("OPTIONS") ? null : "payload-" + method;
        var response = gateway.call(method, "/function/web/deep/path?q=1&r=x%20y", body, "X-Thing", "t1");
        assertThat(response.statusCode()).isEqualTo(method.equals("POST") ? 201 : 200);
        var echo = TestGateway.parse(response.body());
        assertThat(echo.path("method").asText()).isEqualTo(method);
        assertThat(echo.path("path").asText()).isEqualTo("/deep/path?q=1&r=x%20y");
        assertThat(echo.path("headers").path("x-thing").asText()).isEqualTo("t1");
        assertThat(echo.path("headers").path("x-call-id").asText()).isNotEmpty();
        assertThat(echo.path("headers").path("x-forwarded-for").asText()).isEqualTo("127.0.0.1");
        assertThat(echo.path("headers").path("x-forwarded-host").asText()).contains("127.0.0.1:" + gateway.port());
        if (body != null) {
            assertThat(echo.path("body").asText()).isEqualTo(body);
        }
        assertThat(response.headers().firstValue("X-Echo")).hasValue("yes");
    }

    @Test
    void headRequestGetsHeadersOnly() {
        var response = gateway.call("HEAD", "/function/web/", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("X-Echo")).hasValue("yes");
    }

    @Test
    void rootPathIsSlash() {
        var echo = TestGateway.parse(gateway.call("GET", "/function/web", null).body());
        assertThat(echo.path("path").asText()).isEqualTo("/");
    }

    @Test
    void redirectsArePassedThroughNotFollowed() {
        var response = gateway.call("GET", "/function/web/redirect", null);
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("/elsewhere");
    }

    @Test
    void httpReplicaPastExecTimeoutIs504() {
        var response = gateway.call("GET", "/function/web/slow", null);
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("X-Jfaas-Internal")).hasValue("forward");
    }

    @Test
    void unknownFunctionIs404() {
        var response = gateway.call("GET", "/function/nope", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("error finding function nope.openfaas-fn");
        assertThat(response.headers().firstValue("X-Jfaas-Internal")).hasValue("resolve");
    }

    @Test
    void unknownNamespaceIs404() {
        assertThat(gateway.call("GET", "/function/cat.other-ns", null).statusCode()).isEqualTo(404);
        assertThat(gateway.call("GET", "/function/Bad_Name", null).statusCode()).isEqualTo(404);
    }

    @Test
    void explicitDefaultNamespaceWorks() {
        var response = gateway.call("POST", "/function/cat.openfaas-fn", "ns");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ns");
    }

    @Test
    void bodyOverMaxBodySizeIs413() {
        try (var small = TestGateway.start(Map.of("JFAAS_MAX_BODY_SIZE", "1000"))) {
            small.deploy(Functions.forking("cat", "cat"));
            var response = small.call("POST", "/function/cat", "x".repeat(1001));
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.headers().firstValue("X-Jfaas-Internal")).hasValue("limits");
            assertThat(small.call("POST", "/function/cat", "x".repeat(1000)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void invocationsAreCountedInMetricsAndStatus() {
        gateway.call("POST", "/function/cat", "count me");
        var metrics = gateway.call("GET", "/metrics", null).body();
        assertThat(metrics)
                .contains("gateway_function_invocation_total{code=\"200\",function_name=\"cat.openfaas-fn\"}")
                .contains("gateway_functions_seconds_bucket{code=\"200\",function_name=\"cat.openfaas-fn\"")
                .contains("gateway_function_invocation_started{function_name=\"cat.openfaas-fn\"}")
                .contains("gateway_service_count{function_name=\"cat.openfaas-fn\"} 1")
                .contains("gateway_service_ready_count{function_name=\"web.openfaas-fn\"} 1")
                .contains("jvm_memory_used_bytes");
        var lastCall = java.util.regex.Pattern.compile("jfaas_function_last_call_timestamp_seconds\\{function_name=\"cat.openfaas-fn\"} (\\S+)")
                .matcher(metrics);
        assertThat(lastCall.find()).as("the last call's time is exported").isTrue();
        assertThat(Double.parseDouble(lastCall.group(1))).isCloseTo(System.currentTimeMillis() / 1000.0, within(60.0));
        assertThat(gateway.describe("cat").path("invocationCount").asLong()).isPositive();
    }

    @Test
    void crashedHttpReplicaIs502ThenRestarted() {
        try (var own = TestGateway.start()) {
            own.deploy(Functions.httpEcho("fragile", Map.of()));
            var response = own.call("GET", "/function/fragile/crash", null);
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("X-Jfaas-Internal")).hasValue("forward");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(own.call("GET", "/function/fragile/", null).statusCode()).isEqualTo(200));
        }
    }
}
