package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.images.TestImages;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Functions that run from OCI images: imported through the API, unpacked once, run in their own root. */
class ImageFunctionTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    static Path work;

    @BeforeAll
    static void importImage() throws Exception {
        work = Files.createTempDirectory("jfaas-images-test");
        var spec = new TestImages.Spec("example.com/team/hello:1.0", Map.of(
                "/home/app/handler.sh", "echo \"handler says: $(cat) as $(id -u) in $(pwd)\"\n",
                "/home/app/secret.sh", "cat /var/openfaas/secrets/token\n"),
                List.of(), List.of(), Map.of("fprocess", "sh handler.sh", "from_image", "yes"), "/home/app", "100:101");
        var archive = TestImages.archive(work, spec, "oci-archive");
        var response = upload(archive, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(TestGateway.parse(response.body()).path("name").asText()).isEqualTo("example.com/team/hello:1.0");
    }

    static HttpResponse<String> upload(Path archive, String name) throws Exception {
        var request = HttpRequest.newBuilder(gateway.uri("/system/images" + (name == null ? "" : "?name=" + name)))
                .header("Authorization", TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD))
                .POST(HttpRequest.BodyPublishers.ofFile(archive)).build();
        return gateway.http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFunctionRunsInItsImagesRootAsTheImagesUser() {
        var deployment = new java.util.HashMap<String, Object>(Map.of("service", "hello", "image", "example.com/team/hello:1.0"));
        gateway.deploy(deployment);
        var answer = gateway.call("POST", "/function/hello", "ping");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("handler says: ping as 100 in /home/app\n");
        var status = gateway.describe("hello");
        assertThat(status.path("image").asText()).isEqualTo("example.com/team/hello:1.0");
        assertThat(status.path("imageDigest").asText()).matches("sha256:[0-9a-f]{64}");
        var env = gateway.call("POST", "/function/hello-env", null);
        assertThat(env.statusCode()).isEqualTo(404);
    }

    @Test
    void theImagesEnvironmentIsUnderTheDeploymentsAndFprocessOverridesIt() {
        var deployment = new java.util.HashMap<String, Object>(Map.of("service", "image-env", "image", "example.com/team/hello:1.0",
                "envProcess", "env", "envVars", Map.of("mine", "1")));
        gateway.deploy(deployment);
        var env = gateway.call("POST", "/function/image-env", "").body();
        assertThat(env).contains("from_image=yes", "mine=1", "fprocess=env", "secret_mount_path=/var/openfaas/secrets");
    }

    @Test
    void asyncCallsSecretsLogsAndScalingWorkForAnImage() {
        gateway.system("POST", "/system/secrets", Map.of("name", "token", "value", "image-secret"));
        var deployment = new java.util.HashMap<String, Object>(Map.of("service", "image-secret", "image",
                "example.com/team/hello:1.0", "envProcess", "sh secret.sh", "secrets", List.of("token")));
        gateway.deploy(deployment);
        assertThat(gateway.call("POST", "/function/image-secret", "").body()).isEqualTo("image-secret");
        var id = gateway.call("POST", "/async-function/image-secret", "").headers().firstValue("X-Call-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(gateway.system("GET", "/system/calls/" + id + "/result", null).body()).isEqualTo("image-secret"));
        assertThat(gateway.system("GET", "/system/logs?name=image-secret", null).body()).contains("Forking fprocess.");
        gateway.system("POST", "/system/scale-function/image-secret", Map.of("serviceName", "image-secret", "replicas", 2));
        gateway.awaitReady("image-secret", 2);
        gateway.system("POST", "/system/scale-function/image-secret", Map.of("serviceName", "image-secret", "replicas", 0));
        gateway.awaitReady("image-secret", 0);
        assertThat(gateway.call("POST", "/function/image-secret", "").body()).isEqualTo("image-secret");
    }

    /** A minimal watchdog, as the of-watchdog's http mode behaves: port 8080, /_/health, fprocess per request. */
    static final String WATCHDOG = "#!/bin/sh\nexec nc -ll -p 8080 -e /usr/bin/fwatchdog-request\n";
    static final String WATCHDOG_REQUEST = """
            #!/bin/sh
            read -r method path version
            length=0
            while read -r line; do
              line=$(printf '%s' "$line" | tr -d '\\r')
              [ -z "$line" ] && break
              case "$line" in Content-Length:*|content-length:*) length=${line#*: };; esac
            done
            if [ "$path" = "/_/health" ]; then body=OK; else body=$(head -c "$length" | $fprocess 2>&1); fi
            printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %s\r\nConnection: close\r\nX-Watchdog: test\r\n\r\n%s' "${#body}" "$body"
            """;

    @Test
    void anImageWithItsOwnWatchdogIsReachedOnItsPortInANetworkOfItsOwn() throws Exception {
        var spec = new TestImages.Spec("example.com/team/watched:1", Map.of("/usr/bin/fwatchdog", WATCHDOG,
                "/usr/bin/fwatchdog-request", WATCHDOG_REQUEST,
                "/home/app/probe.sh", "echo got $(cat); nc -w 1 127.0.0.1 " + gateway.port() + " </dev/null && echo reached-host || echo no-host\n"),
                List.of("fwatchdog"), List.of(), Map.of("fprocess", "sh /home/app/probe.sh"), "/home/app", "100:101");
        assertThat(upload(TestImages.archive(work, spec, "docker-archive"), null).statusCode()).isEqualTo(201);
        gateway.deploy(new java.util.HashMap<>(Map.of("service", "watched", "image", "example.com/team/watched:1")));
        var answer = gateway.call("POST", "/function/watched", "hello");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Watchdog")).hasValue("test");
        assertThat(answer.body()).contains("got hello").contains("no-host").doesNotContain("reached-host");
        gateway.system("POST", "/system/scale-function/watched", Map.of("serviceName", "watched", "replicas", 2));
        gateway.awaitReady("watched", 2); // two watchdogs on port 8080, each in its own network
        for (int i = 0; i < 4; i++) {
            assertThat(gateway.call("POST", "/function/watched", "again").body()).contains("got again");
        }
    }

    @Test
    void anImageNotInTheStoreIsPulledAtDeployFromARegistryThatHasIt() throws Exception {
        var spec = new TestImages.Spec("example.com/pulled:1", Map.of("/home/app/handler.sh", "echo pulled $(cat)\n"),
                List.of(), List.of(), Map.of("fprocess", "sh handler.sh"), "/home/app", "");
        var archive = TestImages.archive(work, spec, "oci-archive");
        try (var registry = dev.jfaas.images.TestRegistry.start(work, null, null)) {
            registry.push(work, archive, "oci-archive", "team/pulled:1");
            gateway.deploy(new java.util.HashMap<>(Map.of("service", "pulled", "image", registry.host() + "/team/pulled:1")));
            assertThat(gateway.call("POST", "/function/pulled", "me").body()).isEqualTo("pulled me\n");
            assertThat(gateway.describe("pulled").path("imageDigest").asText()).startsWith("sha256:");
        }
    }

    @Test
    void anImageThatIsNowhereIsA400WithoutFprocessAndTheHostsRootWithOne() {
        var missing = gateway.system("POST", "/system/functions", Map.of("service", "nowhere", "image", "example.com/absent:1"));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("image not found: example.com/absent:1");
        gateway.deploy(Functions.forking("fallback", "cat"));
        assertThat(gateway.describe("fallback").path("message").asText()).contains("not found", "host's root");
        assertThat(gateway.call("POST", "/function/fallback", "still runs").body()).isEqualTo("still runs");
    }

    @Test
    void aBadArchiveIsAClear400AndImagesAreListedAndRemoved() throws Exception {
        var junk = Files.writeString(work.resolve("junk.tar"), "certainly not a tar");
        var refused = upload(junk, "example.com/junk:1");
        assertThat(refused.statusCode()).isEqualTo(400);
        var list = TestGateway.parse(gateway.system("GET", "/system/images", null).body());
        assertThat(list.toString()).contains("example.com/team/hello:1.0");
        var spare = TestImages.archive(work, new TestImages.Spec("example.com/spare:1", Map.of(), List.of(), List.of("true"),
                Map.of(), "", ""), "docker-archive");
        assertThat(upload(spare, null).statusCode()).isEqualTo(201);
        assertThat(gateway.system("DELETE", "/system/images?name=example.com/spare:1", null).statusCode()).isEqualTo(200);
        assertThat(gateway.system("DELETE", "/system/images?name=example.com/spare:1", null).statusCode()).isEqualTo(404);
    }
}
