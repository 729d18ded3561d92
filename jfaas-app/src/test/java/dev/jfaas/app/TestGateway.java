package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real jfaas on a free port with its own temp data directory, and an HTTP client to drive it.
 * Either started at once ({@link #start}) or, registered as a JUnit extension
 * ({@link #perClass}), for the whole test class.
 */
final class TestGateway implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    static final String USER = "admin";
    static final String PASSWORD = "test-password";
    static final ObjectMapper JSON = new ObjectMapper();

    Path dataDir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Map<String, String> env;
    private JfaasServer server;
    private boolean started;

    private TestGateway(Path dataDir, Map<String, String> extra, boolean startNow) {
        this.dataDir = dataDir;
        var base = new HashMap<String, String>();
        base.put("JFAAS_PORT", "0");
        base.put("JFAAS_DATA", dataDir.toString());
        base.put("JFAAS_BASIC_AUTH_USER", USER);
        base.put("JFAAS_BASIC_AUTH_PASSWORD", PASSWORD);
        base.put("JFAAS_EVENT_LOOPS", "2");
        base.put("JFAAS_SCALE_FROM_ZERO_TIMEOUT", "20s");
        base.putAll(extra);
        this.env = Map.copyOf(base);
        if (startNow) {
            this.server = JfaasServer.start(env);
        }
    }

    /** One gateway for a test class: {@code @RegisterExtension static final TestGateway gateway = TestGateway.perClass(...)}. */
    static TestGateway perClass(Map<String, String> extra) {
        return new TestGateway(tempDir(), extra, false);
    }

    static TestGateway perClass() {
        return perClass(Map.of());
    }

    /**
     * Starts the class's gateway; when surefire reruns a failed test the class starts again, and
     * then on a fresh data directory, so what the first run deployed is not in the way.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        if (started) {
            dataDir = tempDir();
            var next = new HashMap<>(env);
            next.put("JFAAS_DATA", dataDir.toString());
            env = Map.copyOf(next);
        }
        started = true;
        server = JfaasServer.start(env);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    static TestGateway start() {
        return start(Map.of());
    }

    static TestGateway start(Map<String, String> extra) {
        return new TestGateway(tempDir(), extra, true);
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("jfaas-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops and starts again on the same data directory, as after a crash or an upgrade. */
    void restart() {
        server.close();
        server = JfaasServer.start(env);
    }

    /** Restarts with some settings changed. */
    void restartWith(Map<String, String> changes) {
        server.close();
        var next = new HashMap<>(env);
        next.putAll(changes);
        env = Map.copyOf(next);
        server = JfaasServer.start(env);
    }

    int port() {
        return server.port();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** An authenticated call to the system API with an optional JSON body. */
    HttpResponse<String> system(String method, String path, Object body) {
        var builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic(USER, PASSWORD));
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : json(body)));
        return send(builder.build());
    }

    /** A call without credentials, e.g. to a function. */
    HttpResponse<String> call(String method, String path, String body, String... headers) {
        var builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(builder.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deploys and waits until a replica is ready. */
    void deploy(Map<String, Object> deployment) {
        var response = system("POST", "/system/functions", deployment);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        awaitReady((String) deployment.get("service"), 1);
    }

    void awaitReady(String name, int replicas) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            var status = describe(name);
            assertThat(status.path("availableReplicas").asInt()).isEqualTo(replicas);
        });
    }

    JsonNode describe(String name) {
        var response = system("GET", "/system/function/" + name, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return parse(response.body());
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
