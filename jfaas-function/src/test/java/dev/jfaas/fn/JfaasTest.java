package dev.jfaas.fn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintStream;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfaasTest {

    @TempDir
    Path secrets;

    final HttpClient http = HttpClient.newHttpClient();
    Jfaas running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.drain(Duration.ZERO);
        }
    }

    Context context() {
        return new Context("echo", Map.of("greeting", "hi"), secrets, new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aHandlerCanBeTestedWithoutAServer() throws Exception {
        Handler handler = (request, context) -> Response.ok(context.functionName() + ": " + request.text() + " " + request.queryParam("x"));
        var answer = handler.handle(Request.of("POST", "/p?x=1&x=2", "body"), context());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo("echo: body 1");
        assertThat(Request.of("GET", "/p?x=1&x=2&y", "").query()).containsEntry("x", List.of("1", "2")).containsEntry("y", List.of(""));
    }

    @Test
    void everyMethodGetsItsBodyPathQueryAndMultiValuedHeaders() throws Exception {
        running = Jfaas.start((request, context) -> Response.ok(request.method() + " " + request.path() + " " + request.query()
                + " " + request.headers().all("x-many") + " " + request.text()).header("X-Out", "a").header("X-Out", "b"),
                "127.0.0.1", 0, 0, context());
        for (var method : List.of("POST", "PUT", "PATCH", "DELETE", "GET", "OPTIONS")) {
            var answer = send(method, "/some/path?a=1&a=2", "payload", "X-Many", "one", "x-many", "two");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(method + " /some/path {a=[1, 2]} [one, two] payload");
            assertThat(answer.headers().allValues("X-Out")).containsExactly("a", "b");
        }
        var head = send("HEAD", "/x", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void largeBodiesArriveWhole() throws Exception {
        running = Jfaas.start((request, context) -> Response.ok(Integer.toString(request.body().length)), "127.0.0.1", 0, 0, context());
        var big = "x".repeat(5 << 20);
        assertThat(send("POST", "/", big).body()).isEqualTo(Integer.toString(5 << 20));
    }

    @Test
    void secretsEnvAndFailuresWithoutLeakingTheStackTrace() throws Exception {
        Files.writeString(secrets.resolve("token"), "s3cret\n");
        running = Jfaas.start((request, context) -> {
            if (request.path().equals("/fail")) {
                throw new IllegalStateException("internal detail");
            }
            return Response.ok(context.secret("token") + " " + context.env("greeting").orElse("?"));
        }, "127.0.0.1", 0, 0, context());
        assertThat(send("GET", "/", null).body()).isEqualTo("s3cret hi");
        var failed = send("GET", "/fail", null);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).isEqualTo("internal error").doesNotContain("internal detail");
    }

    @Test
    void pastMaxInflightIs429AndADrainFinishesCallsInFlight() throws Exception {
        var entered = new CountDownLatch(2);
        var release = new CountDownLatch(1);
        running = Jfaas.start((request, context) -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return Response.ok("done");
        }, "127.0.0.1", 0, 2, context());
        var calls = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 2; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(send("GET", "/", null).statusCode()).isEqualTo(429);
        var drained = CompletableFuture.runAsync(() -> running.drain(Duration.ofSeconds(10)));
        // the drain starts on another thread: health turns 503 once it has
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> send("GET", Jfaas.HEALTH, null).statusCode() == 503);
        release.countDown();
        drained.get(10, TimeUnit.SECONDS);
        for (var call : calls) {
            assertThat(call.get(5, TimeUnit.SECONDS).body()).isEqualTo("done");
        }
        running = null;
    }
}
