package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway with JFAAS_PROVIDER=kubernetes against the fabric8 mock API server (CRUD mode) and a
 * {@link FakeKubelet} that runs the replicas as local processes: deploy, list, invoke sync and
 * async, a secret mounted and read, a namespace made, scale to zero and back from zero on a call, remove; two gateways
 * on the same cluster show and route the same function. What only a real cluster shows (scheduling,
 * images, pod logs, probes) is not tested here.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesGatewayTest {

    static KubernetesClient client;

    /** Serves /_/health, echoes the body, and answers /secret/<name> from the projected secrets. */
    static final String SERVER = """
            import http.server, os
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_GET(self):
                    if self.path.startswith("/secret/"):
                        with open(os.path.join(os.environ["SECRETS_DIR"], self.path[len("/secret/"):]), "rb") as f:
                            self.reply(f.read())
                    else:
                        self.reply(b"ok")
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    self.reply(b"k8s says: " + body)
                def reply(self, out):
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
            """;

    @Test
    void functionsRunOnTheClusterAndTwoGatewaysShareThem() throws Exception {
        var kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: test, user: {token: secret}}]
                contexts: [{name: mock, context: {cluster: mock, user: test, namespace: openfaas-fn}}]
                current-context: mock
                """.formatted(client.getMasterUrl()));
        var env = Map.of("JFAAS_PROVIDER", "kubernetes", "KUBECONFIG", kubeconfig.toString(), "JFAAS_AUTOSCALE_INTERVAL", "500ms");
        try (var kubelet = new FakeKubelet(client); var first = TestGateway.start(env); var second = TestGateway.start(env)) {
            assertThat(first.system("POST", "/system/secrets", Map.of("name", "api-key", "value", "s3cr3t")).statusCode())
                    .isEqualTo(201);
            assertThat(client.secrets().inNamespace("openfaas-fn").withName("api-key").get()).isNotNull();
            assertThat(first.system("GET", "/system/secrets", null).body()).contains("api-key").doesNotContain("s3cr3t");

            assertThat(first.system("POST", "/system/namespace/staging", Map.of("labels", Map.of("env", "staging"))).statusCode())
                    .isEqualTo(201);
            assertThat(client.namespaces().withName("staging").get().getMetadata().getAnnotations()).containsEntry("openfaas", "1");
            assertThat(second.system("GET", "/system/namespaces", null).body()).contains("openfaas-fn", "staging");

            var deployment = Functions.inDirectory("kube-echo", "python3 -u server.py", Map.of(), Map.of("server.py", SERVER));
            deployment.put("secrets", java.util.List.of("api-key"));
            first.deploy(deployment);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    TestGateway.parse(first.system("GET", "/system/function/kube-echo", null).body()).path("availableReplicas").asInt() == 1);
            assertThat(client.apps().deployments().inNamespace("openfaas-fn").withName("kube-echo").get()).isNotNull();

            var sync = first.call("POST", "/function/kube-echo", "hello");
            assertThat(sync.statusCode()).isEqualTo(200);
            assertThat(sync.body()).isEqualTo("k8s says: hello");
            assertThat(first.call("GET", "/function/kube-echo/secret/api-key", null).body()).isEqualTo("s3cr3t");

            var accepted = first.call("POST", "/async-function/kube-echo", "later");
            assertThat(accepted.statusCode()).isEqualTo(202);
            var id = accepted.headers().firstValue("X-Call-Id").orElseThrow();
            await().atMost(Duration.ofSeconds(20)).until(() -> first.system("GET", "/system/calls/" + id + "/result", null).statusCode() == 200);
            assertThat(first.system("GET", "/system/calls/" + id + "/result", null).body()).isEqualTo("k8s says: later");

            // The other gateway reads the same cluster: it lists and routes the same function.
            await().atMost(Duration.ofSeconds(10)).until(() -> second.system("GET", "/system/functions", null).body().contains("kube-echo"));
            await().atMost(Duration.ofSeconds(10)).until(() -> second.call("POST", "/function/kube-echo", "via two").statusCode() == 200);
            assertThat(second.call("POST", "/function/kube-echo", "via two").body()).isEqualTo("k8s says: via two");

            assertThat(first.system("POST", "/system/scale-function/kube-echo", Map.of("serviceName", "kube-echo", "replicas", 0))
                    .statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.running("openfaas-fn", "kube-echo") == 0
                    && TestGateway.parse(first.system("GET", "/system/function/kube-echo", null).body()).path("availableReplicas").asInt() == 0);
            var woken = first.call("POST", "/function/kube-echo", "from zero");
            assertThat(woken.statusCode()).as("scale from zero").isEqualTo(200);
            assertThat(woken.body()).isEqualTo("k8s says: from zero");
            assertThat(client.apps().deployments().inNamespace("openfaas-fn").withName("kube-echo").get().getSpec().getReplicas())
                    .isEqualTo(1);

            // One of the two gateways holds the autoscaler's Lease.
            await().atMost(Duration.ofSeconds(20)).until(() -> client.leases().inNamespace("openfaas-fn").withName("jfaas-autoscaler").get() != null
                    && client.leases().inNamespace("openfaas-fn").withName("jfaas-autoscaler").get().getSpec().getHolderIdentity() != null);

            assertThat(second.system("DELETE", "/system/functions", Map.of("functionName", "kube-echo")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.running("openfaas-fn", "kube-echo") == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.system("GET", "/system/function/kube-echo", null).statusCode() == 404);
            assertThat(client.services().inNamespace("openfaas-fn").withName("kube-echo").get()).isNull();
        }
    }
}
