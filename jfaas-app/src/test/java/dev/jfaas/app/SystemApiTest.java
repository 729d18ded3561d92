package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Auth on /system/*, namespaces, info and health. */
class SystemApiTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @ParameterizedTest
    @CsvSource({
        "GET,/system/functions", "POST,/system/functions", "PUT,/system/functions", "DELETE,/system/functions",
        "GET,/system/function/x", "POST,/system/scale-function/x", "GET,/system/secrets", "POST,/system/secrets",
        "PUT,/system/secrets", "DELETE,/system/secrets", "GET,/system/logs?name=x", "GET,/system/namespaces",
        "GET,/system/namespace/openfaas-fn", "POST,/system/namespace/x", "PUT,/system/namespace/x",
        "DELETE,/system/namespace/x", "GET,/system/info", "GET,/system/health", "GET,/system/anything-else", "GET,/ui/",
        "GET,/ui/app.js", "GET,/ui"
    })
    void everySystemRouteNeedsCredentials(String method, String path) {
        for (var authorization : new String[] {null, TestGateway.basic("admin", "wrong"), TestGateway.basic("root", TestGateway.PASSWORD), "Bearer x", "Basic !!!"}) {
            var builder = HttpRequest.newBuilder(gateway.uri(path)).method(method, HttpRequest.BodyPublishers.ofString("{}"));
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            var response = gateway.send(builder.build());
            assertThat(response.statusCode()).as(method + " " + path + " with " + authorization).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Restricted\"");
            assertThat(response.body()).isEqualTo("invalid credentials");
        }
    }

    @Test
    void healthzAndMetricsArePublic() {
        var health = gateway.call("GET", "/healthz", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("OK");
        assertThat(gateway.call("GET", "/metrics", null).statusCode()).isEqualTo(200);
    }

    @Test
    void healthNamesEachPart() {
        var health = TestGateway.parse(gateway.system("GET", "/system/health", null).body());
        assertThat(health.path("healthy").asBoolean()).isTrue();
        var parts = new java.util.ArrayList<String>();
        health.path("parts").forEach(p -> parts.add(p.path("part").asText() + "=" + p.path("kind").asText() + ":" + p.path("healthy").asBoolean()));
        assertThat(parts).contains("store=sqlite:true", "queue=sqlite:true").anyMatch(p -> p.startsWith("provider=process"));
    }

    @Test
    void thePortalIsServedWithAPolicyThatLoadsOnlyItsOwnFiles() {
        var bare = gateway.system("GET", "/ui", null);
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).hasValue("/ui/");
        var page = gateway.system("GET", "/ui/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\">");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(gateway.system("GET", "/ui/pages/overview.js", null).headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/javascript");
        assertThat(gateway.system("GET", "/ui/../jfaas.db", null).statusCode()).isIn(400, 404);
    }

    @Test
    void infoDescribesTheProvider() {
        var info = TestGateway.parse(gateway.system("GET", "/system/info", null).body());
        assertThat(info.path("provider").path("provider").asText()).isEqualTo("jfaas-process");
        assertThat(info.path("provider").path("orchestration").asText()).isNotEmpty();
        assertThat(info.path("version").path("release").asText()).isNotEmpty();
        assertThat(info.path("arch").asText()).isNotEmpty();
    }

    @Test
    void rootRedirectsToThePortal() {
        var response = gateway.call("GET", "/", null);
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("/ui/");
    }

    @Test
    void namespacesLifecycle() {
        assertThat(gateway.system("GET", "/system/namespaces", null).body()).contains("openfaas-fn");
        assertThat(gateway.system("POST", "/system/namespace/staging",
                Map.of("labels", Map.of("env", "staging"))).statusCode()).isEqualTo(201);
        assertThat(gateway.system("POST", "/system/namespace/staging", null).statusCode()).isEqualTo(409);
        var described = TestGateway.parse(gateway.system("GET", "/system/namespace/staging", null).body());
        assertThat(described.path("labels").path("env").asText()).isEqualTo("staging");
        assertThat(gateway.system("PUT", "/system/namespace/staging", Map.of("labels", Map.of("env", "stage"))).statusCode()).isEqualTo(202);
        assertThat(gateway.system("GET", "/system/namespaces", null).body()).contains("staging");
        assertThat(gateway.system("DELETE", "/system/namespace/staging", null).statusCode()).isEqualTo(202);
        assertThat(gateway.system("GET", "/system/namespace/staging", null).statusCode()).isEqualTo(404);
        assertThat(gateway.system("DELETE", "/system/namespace/staging", null).statusCode()).isEqualTo(404);
        assertThat(gateway.system("PUT", "/system/namespace/staging", null).statusCode()).isEqualTo(404);
        assertThat(gateway.system("POST", "/system/namespace/Bad_Name", null).statusCode()).isEqualTo(400);
        assertThat(gateway.system("DELETE", "/system/namespace/openfaas-fn", null).statusCode()).isEqualTo(400);
    }

    @Test
    void generatedPasswordIsStoredOwnerOnly() throws Exception {
        var dir = java.nio.file.Files.createTempDirectory("jfaas-auth");
        var env = new java.util.HashMap<String, String>(Map.of("JFAAS_PORT", "0", "JFAAS_DATA", dir.toString(), "JFAAS_EVENT_LOOPS", "1"));
        try (var server = JfaasServer.start(env)) {
            var file = dir.resolve("basic-auth-password");
            assertThat(java.nio.file.Files.getPosixFilePermissions(file))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            var password = java.nio.file.Files.readString(file).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            var request = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/system/functions"))
                    .header("Authorization", TestGateway.basic("admin", password)).GET().build();
            assertThat(gateway.send(request).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void functionsMayRequireGatewayCredentials() {
        var deployment = Functions.forking("private", "env");
        deployment.put("annotations", Map.of("com.jfaas.auth", "basic"));
        gateway.deploy(deployment);
        var denied = gateway.call("POST", "/function/private", "");
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.headers().firstValue("WWW-Authenticate")).isPresent();
        var allowed = gateway.call("POST", "/function/private", "", "Authorization", TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.body()).doesNotContain("Http_Authorization");
    }
}
