package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What OpenFaaS clients and functions written for OpenFaaS rely on, exchange by exchange. */
class OpenFaasCompatibilityTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @Test
    void faasCliNamespaceCreatePostsTheNameInTheBody() {
        // faas-cli namespace create team-x --label a=b: POST /system/namespace/ with the name in the body
        var created = gateway.system("POST", "/system/namespace/", Map.of("name", "team-x", "labels", Map.of("a", "b"),
                "annotations", Map.of()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var described = TestGateway.parse(gateway.system("GET", "/system/namespace/team-x", null).body());
        assertThat(described.path("labels").path("a").asText()).isEqualTo("b");
        assertThat(gateway.system("POST", "/system/namespace/", Map.of("name", "team-x")).statusCode()).isEqualTo(409);
        assertThat(gateway.system("PUT", "/system/namespace/team-x", Map.of("name", "team-x", "labels", Map.of("a", "c")))
                .statusCode()).isEqualTo(202);
        assertThat(TestGateway.parse(gateway.system("GET", "/system/namespace/team-x", null).body()).path("labels").path("a")
                .asText()).isEqualTo("c");
        assertThat(gateway.system("POST", "/system/namespace/", Map.of("labels", Map.of())).statusCode()).isEqualTo(400);
        assertThat(gateway.system("POST", "/system/namespace/", Map.of("name", "Bad_Name")).statusCode()).isEqualTo(400);
        assertThat(gateway.system("DELETE", "/system/namespace/", Map.of("name", "team-x")).statusCode()).isEqualTo(202);
        assertThat(gateway.system("GET", "/system/namespace/team-x", null).statusCode()).isEqualTo(404);
    }

    @Test
    void systemInfoCarriesTheBuildsCommit() {
        var info = TestGateway.parse(gateway.system("GET", "/system/info", null).body());
        assertThat(info.path("version").path("sha").asText()).matches("[0-9a-f]{40}(-dirty)?|unknown");
        assertThat(info.path("provider").path("version").path("sha").asText()).isEqualTo(info.path("version").path("sha").asText());
        assertThat(info.path("version").path("sha").asText()).isNotEmpty();
    }

    @Test
    void aForkingFunctionsLogHasTheWatchdogsLinesAndStdoutOnlyWithWriteDebug() {
        gateway.deploy(Functions.forking("quiet-cat", "cat"));
        gateway.deploy(Functions.forking("debug-cat", "cat", Map.of("write_debug", "true")));
        assertThat(gateway.call("POST", "/function/quiet-cat", "hello").body()).isEqualTo("hello");
        assertThat(gateway.call("POST", "/function/debug-cat", "shown in the log").body()).isEqualTo("shown in the log");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            var quiet = gateway.system("GET", "/system/logs?name=quiet-cat", null).body();
            assertThat(quiet).contains("\"text\":\"Forking fprocess.\"").containsPattern("Wrote 5 Bytes - Duration: \\d+\\.\\d{6} seconds")
                    .doesNotContain("\"text\":\"hello\"");
            var debug = gateway.system("GET", "/system/logs?name=debug-cat", null).body();
            assertThat(debug).contains("\"text\":\"shown in the log\"").contains("Wrote 16 Bytes");
        });
        var line = TestGateway.parse(gateway.system("GET", "/system/logs?name=quiet-cat&tail=1", null).body().strip());
        assertThat(line.path("instance").asText()).startsWith("quiet-cat-");
        assertThat(line.path("timestamp").asText()).isNotEmpty();
    }

    @Test
    void aForkingFunctionsEnvironmentIsTheClassicWatchdogs() {
        gateway.deploy(Functions.forking("env", "env"));
        var withQuery = envOf(gateway.call("POST", "/function/env/a/b?x=1&y=2", "12345", "X-Custom-Thing", "v1"));
        assertThat(withQuery).containsEntry("Http_Method", "POST").containsEntry("Http_Path", "/a/b")
                .containsEntry("Http_Query", "x=1&y=2").containsEntry("Http_ContentLength", "5")
                .containsEntry("Http_Content_Length", "5").containsEntry("Http_X_Custom_Thing", "v1")
                .containsKey("Http_Host").containsKey("Http_X_Call_Id").containsEntry("fprocess", "env");
        assertThat(withQuery.get("Http_Host")).startsWith("127.0.0.1:");
        var withoutQuery = envOf(gateway.call("GET", "/function/env", null));
        assertThat(withoutQuery).doesNotContainKey("Http_Query").containsEntry("Http_Path", "/")
                .containsEntry("Http_Method", "GET").containsEntry("Http_ContentLength", "0");
    }

    @Test
    void aFunctionWrittenForOpenFaasReadsItsSecretAtTheOpenFaasPath() {
        gateway.system("POST", "/system/secrets", Map.of("name", "s1", "value", "first"));
        var reader = Functions.forking("secret-reader", "cat /var/openfaas/secrets/s1");
        reader.put("secrets", List.of("s1"));
        gateway.deploy(reader);
        assertThat(gateway.call("POST", "/function/secret-reader", "").body()).isEqualTo("first");
        gateway.system("PUT", "/system/secrets", Map.of("name", "s1", "value", "second"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.call("POST", "/function/secret-reader", "").body()).isEqualTo("second"));
    }

    @Test
    void aProgramThatIsNotThereIsRefusedAtDeploy() {
        var response = gateway.system("POST", "/system/functions", Functions.forking("ghost", "no-such-program --flag"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("fprocess program \"no-such-program\" not found on its PATH");
        var inDirectory = Functions.inDirectory("ghost-script", "./missing.sh", Map.of(), Map.of("other.sh", "true\n"));
        var refused = gateway.system("POST", "/system/functions", inDirectory);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"./missing.sh\" not found in its directory");
    }

    @Test
    void aReplicaThatCannotStartIsNotAvailableAndTheStatusSaysWhy() {
        var broken = Functions.inDirectory("broken", "sh start.sh", Map.of("mode", "http"),
                Map.of("start.sh", "echo 'config file missing' >&2\nexit 3\n"));
        assertThat(gateway.system("POST", "/system/functions", broken).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var status = gateway.describe("broken");
            assertThat(status.path("availableReplicas").asInt()).isZero();
            assertThat(status.path("message").asText()).contains("exited with status 3 before it was ready", "config file missing");
        });
        // A call learns why at once, rather than after the scale-from-zero or body timeout.
        for (var method : new String[] {"GET", "POST"}) {
            long start = System.nanoTime();
            var call = gateway.call(method, "/function/broken", method.equals("POST") ? "a body" : null);
            assertThat(call.statusCode()).isEqualTo(503);
            assertThat(call.body()).contains("cannot start", "config file missing");
            assertThat(call.headers().firstValue("Retry-After")).isPresent();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    private static Map<String, String> envOf(java.net.http.HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var env = new java.util.HashMap<String, String>();
        response.body().lines().filter(l -> l.contains("=")).forEach(l -> env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return env;
    }
}
