package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Secrets as files for functions, never returned by the API; logs read and followed. */
class SecretsAndLogsTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @Test
    void secretLifecycleNeverReturnsValues() {
        assertThat(gateway.system("POST", "/system/secrets", Map.of("name", "db-pass", "value", "s3cret")).statusCode()).isEqualTo(201);
        assertThat(gateway.system("POST", "/system/secrets", Map.of("name", "db-pass", "value", "again")).statusCode()).isEqualTo(409);
        var list = gateway.system("GET", "/system/secrets", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(TestGateway.parse(list.body()).toString()).contains("{\"name\":\"db-pass\",\"namespace\":\"openfaas-fn\"}");
        assertThat(list.body()).doesNotContain("s3cret");
        assertThat(gateway.system("PUT", "/system/secrets", Map.of("name", "db-pass", "value", "new")).statusCode()).isEqualTo(200);
        assertThat(gateway.system("PUT", "/system/secrets", Map.of("name", "nope", "value", "x")).statusCode()).isEqualTo(404);
        assertThat(gateway.system("DELETE", "/system/secrets", Map.of("name", "db-pass")).statusCode()).isEqualTo(200);
        assertThat(gateway.system("DELETE", "/system/secrets", Map.of("name", "db-pass")).statusCode()).isEqualTo(404);
        assertThat(gateway.system("POST", "/system/secrets", Map.of("name", "Bad_Name", "value", "x")).statusCode()).isEqualTo(400);
        assertThat(gateway.system("POST", "/system/secrets", Map.of("name", "novalue")).statusCode()).isEqualTo(400);
    }

    @Test
    void functionReadsItsSecretsAsOwnerOnlyFiles() {
        var raw = new byte[] {0, 1, 2, (byte) 255};
        gateway.system("POST", "/system/secrets", Map.of("name", "api-key", "value", "key-123"));
        gateway.system("POST", "/system/secrets", Map.of("name", "blob", "rawValue", Base64.getEncoder().encodeToString(raw)));
        var deployment = Functions.inDirectory("reader", "sh read.sh", Map.of(), Map.of("read.sh",
                "cat \"$secret_mount_path/api-key\"; echo; stat -c %a \"$secret_mount_path/api-key\"; od -An -tu1 \"$secret_mount_path/blob\"\n"));
        deployment.put("secrets", List.of("api-key", "blob"));
        gateway.deploy(deployment);
        var body = gateway.call("POST", "/function/reader", "").body();
        assertThat(body).startsWith("key-123\n400\n");
        assertThat(body.replaceAll("\\s+", " ").strip()).endsWith("0 1 2 255");

        gateway.system("PUT", "/system/secrets", Map.of("name", "api-key", "value", "key-456"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.call("POST", "/function/reader", "").body()).startsWith("key-456\n"));
    }

    @Test
    void theDataDirectoryIsPrivateAndHoldsNoSecretInPlainText() throws Exception {
        gateway.system("POST", "/system/secrets", Map.of("name", "at-rest", "value", "never-in-plain-text"));
        var dir = gateway.dataDir;
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx--x--x");
        for (var name : List.of("jfaas.db", "queue.db", "secrets.key", "basic-auth-password")) {
            var file = dir.resolve(name);
            if (java.nio.file.Files.exists(file)) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(file)))
                        .as(name).isEqualTo("rw-------");
            }
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            for (var file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                assertThat(new String(java.nio.file.Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain("never-in-plain-text");
            }
        }
    }

    @Test
    void logsAreReturnedAndFollowed() throws Exception {
        gateway.deploy(Functions.httpEcho("chatty", Map.of()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.system("GET", "/system/logs?name=chatty", null).body()).contains("listening on"));
        var response = gateway.system("GET", "/system/logs?name=chatty&tail=1", null);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        var line = TestGateway.parse(response.body().strip());
        assertThat(line.path("name").asText()).isEqualTo("chatty");
        assertThat(line.path("namespace").asText()).isEqualTo("openfaas-fn");
        assertThat(line.path("instance").asText()).startsWith("chatty-");
        assertThat(line.path("timestamp").asText()).isNotEmpty();

        var request = HttpRequest.newBuilder(gateway.uri("/system/logs?name=chatty&follow=true&tail=0"))
                .header("Authorization", TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD)).GET().build();
        var stream = gateway.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        var lines = new LinkedBlockingQueue<String>();
        var reader = Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception ignored) {
                // closed by the test
            }
        });
        gateway.call("GET", "/function/chatty/first-followed", null);
        var first = lines.poll(10, TimeUnit.SECONDS);
        assertThat(first).contains("handled GET /first-followed");
        gateway.call("GET", "/function/chatty/second-followed", null);
        assertThat(lines.poll(10, TimeUnit.SECONDS)).contains("/second-followed");
        // The function goes: so does the stream following it (faas-cli logs --follow returns).
        gateway.system("DELETE", "/system/functions", Map.of("functionName", "chatty"));
        reader.join(Duration.ofSeconds(10));
        assertThat(reader.isAlive()).as("the follow stream ended").isFalse();
        stream.body().close();
    }

    @Test
    void logsSinceAndBadQueries() {
        gateway.deploy(Functions.forking("quiet", "cat"));
        assertThat(gateway.system("GET", "/system/logs?name=quiet&since=2999-01-01T00:00:00Z", null).body()).isEmpty();
        assertThat(gateway.system("GET", "/system/logs", null).statusCode()).isEqualTo(400);
        assertThat(gateway.system("GET", "/system/logs?name=ghost", null).statusCode()).isEqualTo(404);
        assertThat(gateway.system("GET", "/system/logs?name=quiet&tail=many", null).statusCode()).isEqualTo(400);
        assertThat(gateway.system("GET", "/system/logs?name=quiet&since=yesterday", null).statusCode()).isEqualTo(400);
    }
}
