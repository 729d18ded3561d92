package dev.jfaas.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.function.Resources;
import dev.jfaas.provider.HttpReplica;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the fabric8 mock API server in CRUD mode (it stores objects, serves watches and answers
 * 409 to a stale resourceVersion, but runs no controllers): what a deploy creates, what list and
 * status read back, update, scale, remove, conflicts retried, and routing from EndpointSlices.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesProviderTest {

    static KubernetesClient client;
    static final String NS = "openfaas-fn";
    static final FunctionName FN = new FunctionName("hello", NS);
    KubernetesProvider provider;

    @BeforeEach
    void start() {
        provider = new KubernetesProvider(client);
    }

    @AfterEach
    void stop() {
        provider.close();
        client.apps().deployments().inAnyNamespace().delete();
        client.services().inAnyNamespace().delete();
        client.discovery().v1().endpointSlices().inAnyNamespace().delete();
        client.namespaces().delete();
        client.leases().inAnyNamespace().delete();
    }

    static FunctionDeployment hello(String image, Map<String, String> env) {
        return new FunctionDeployment("hello", image, NS, "python3 index.py", env, List.of("node.kubernetes.io/pool=fast"),
                List.of("db-password"), Map.of("com.openfaas.scale.min", "2", "com.openfaas.scale.max", "5", "team", "a"),
                Map.of("topic", "orders"), new Resources("128Mi", "500m"), new Resources("64Mi", "100m"), true);
    }

    @Test
    void aDeployIsADeploymentAndAServiceAsFaasNetesMakesThem() {
        provider.deploy(hello("ghcr.io/team/hello:1", Map.of("GREETING", "hi")));

        var deployment = client.apps().deployments().inNamespace(NS).withName("hello").get();
        assertThat(deployment.getMetadata().getLabels()).containsEntry("faas_function", "hello").containsEntry("team", "a");
        assertThat(deployment.getSpec().getReplicas()).as("com.openfaas.scale.min").isEqualTo(2);
        assertThat(deployment.getSpec().getSelector().getMatchLabels()).containsExactlyEntriesOf(Map.of("faas_function", "hello"));
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsExactlyEntriesOf(Map.of("node.kubernetes.io/pool", "fast"));
        var container = pod.getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("ghcr.io/team/hello:1");
        assertThat(container.getPorts().getFirst().getContainerPort()).isEqualTo(8080);
        assertThat(container.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .contains("fprocess=python3 index.py", "GREETING=hi");
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("128Mi")).containsEntry("cpu", new Quantity("500m"));
        assertThat(container.getResources().getRequests()).containsEntry("memory", new Quantity("64Mi"));
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/_/health");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/_/health");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/openfaas/secrets");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getProjected().getSources())
                .extracting(s -> s.getSecret().getName()).containsExactly("db-password"));

        var service = client.services().inNamespace(NS).withName("hello").get();
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getSelector()).containsExactlyEntriesOf(Map.of("faas_function", "hello"));
        assertThat(service.getSpec().getPorts().getFirst().getPort()).isEqualTo(8080);
    }

    @Test
    void listAndStatusReadBackWhatWasDeployedAndTheReplicasAvailable() {
        provider.deploy(hello("ghcr.io/team/hello:1", Map.of("GREETING", "hi")));
        await().atMost(Duration.ofSeconds(10)).until(() -> provider.list(NS).size() == 1);
        var status = provider.list(NS).getFirst();
        assertThat(status.name()).isEqualTo("hello");
        assertThat(status.image()).isEqualTo("ghcr.io/team/hello:1");
        assertThat(status.envProcess()).isEqualTo("python3 index.py");
        assertThat(status.envVars()).containsExactlyEntriesOf(Map.of("GREETING", "hi"));
        assertThat(status.annotations()).containsExactlyEntriesOf(Map.of("topic", "orders"));
        assertThat(status.labels()).containsEntry("faas_function", "hello");
        assertThat(status.replicas()).isEqualTo(2);
        assertThat(status.availableReplicas()).isZero();
        assertThat(provider.list("other")).isEmpty();

        // What a Deployment controller would write: its status.
        var deployment = client.apps().deployments().inNamespace(NS).withName("hello").get();
        deployment.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withAvailableReplicas(2)
                .withReadyReplicas(2).withReplicas(2).build());
        client.apps().deployments().inNamespace(NS).resource(deployment).updateStatus();
        await().atMost(Duration.ofSeconds(10)).until(() -> provider.status(FN).orElseThrow().availableReplicas() == 2);
    }

    @Test
    void updateScaleAndRemoveChangeTheClusterAndMistakesAreTheApisErrors() {
        provider.deploy(hello("img:1", Map.of()));
        assertThatThrownBy(() -> provider.deploy(hello("img:1", Map.of()))).isInstanceOf(RequestRejected.Conflict.class);

        provider.update(hello("img:2", Map.of("MODE", "fast")));
        var updated = client.apps().deployments().inNamespace(NS).withName("hello").get();
        assertThat(updated.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()).isEqualTo("img:2");

        provider.scale(FN, 4);
        assertThat(client.apps().deployments().inNamespace(NS).withName("hello").get().getSpec().getReplicas()).isEqualTo(4);
        provider.scale(FN, 50);
        assertThat(client.apps().deployments().inNamespace(NS).withName("hello").get().getSpec().getReplicas())
                .as("clamped to com.openfaas.scale.max").isEqualTo(5);
        provider.update(hello("img:3", Map.of()));
        assertThat(client.apps().deployments().inNamespace(NS).withName("hello").get().getSpec().getReplicas())
                .as("an update keeps the replicas").isEqualTo(5);

        provider.remove(FN);
        assertThat(client.apps().deployments().inNamespace(NS).withName("hello").get()).isNull();
        assertThat(client.services().inNamespace(NS).withName("hello").get()).isNull();
        assertThatThrownBy(() -> provider.remove(FN)).isInstanceOf(RequestRejected.NotFound.class);
        assertThatThrownBy(() -> provider.update(hello("img:4", Map.of()))).isInstanceOf(RequestRejected.NotFound.class);
        assertThatThrownBy(() -> provider.scale(FN, 1)).isInstanceOf(RequestRejected.NotFound.class);
        var system = new FunctionDeployment("x", "img", "kube-system", null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> provider.deploy(system)).isInstanceOf(RequestRejected.Invalid.class);
    }

    @Test
    void functionNamespacesAreThoseAnnotatedOpenfaas() {
        var namespaces = provider.namespaces();
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("team-b")
                .endMetadata().build()).create();
        assertThat(namespaces.namespaces()).extracting(dev.jfaas.store.Namespace::name).containsExactly("openfaas-fn");
        var staging = new FunctionDeployment("hello", "img", "staging", null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> provider.deploy(staging)).isInstanceOf(RequestRejected.Invalid.class).hasMessageContaining("openfaas=1");

        assertThat(namespaces.createNamespace(new dev.jfaas.store.Namespace("staging", Map.of("env", "staging"), Map.of()))).isTrue();
        assertThat(namespaces.createNamespace(new dev.jfaas.store.Namespace("staging", Map.of(), Map.of()))).isFalse();
        assertThat(client.namespaces().withName("staging").get().getMetadata().getAnnotations()).containsEntry("openfaas", "1");
        assertThat(namespaces.namespaces()).extracting(dev.jfaas.store.Namespace::name).containsExactly("openfaas-fn", "staging");
        provider.deploy(staging);
        assertThat(client.apps().deployments().inNamespace("staging").withName("hello").get()).isNotNull();
        assertThat(namespaces.deleteNamespace("team-b")).as("not a function namespace").isFalse();
        assertThat(namespaces.namespace("team-b")).isEmpty();
    }

    @Test
    void oneGatewayAtATimeHoldsTheAutoscalersLeaseAndAnotherTakesOverWhenItGoes() {
        var other = new KubernetesProvider(client);
        try (var first = provider.autoscalerLease("gateway-a", Duration.ofSeconds(2))) {
            await().atMost(Duration.ofSeconds(10)).until(first::getAsBoolean);
            try (var second = other.autoscalerLease("gateway-b", Duration.ofSeconds(2))) {
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !second.getAsBoolean());
                assertThat(client.leases().inNamespace(NS).withName("jfaas-autoscaler").get().getSpec().getHolderIdentity())
                        .isEqualTo("gateway-a");
                first.close(); // released on the way out
                await().atMost(Duration.ofSeconds(15)).until(second::getAsBoolean);
                assertThat(client.leases().inNamespace(NS).withName("jfaas-autoscaler").get().getSpec().getHolderIdentity())
                        .isEqualTo("gateway-b");
            }
        } finally {
            other.close();
        }
    }

    @Test
    void aWriteOnAStaleResourceVersionIsReadAgainAndRetried() {
        provider.deploy(hello("img:1", Map.of()));
        var once = new AtomicBoolean();
        var writes = new java.util.concurrent.atomic.AtomicInteger();
        provider.beforeWrite = () -> {
            writes.incrementAndGet();
            if (once.compareAndSet(false, true)) { // someone else changes the Deployment between our read and write
                var other = client.apps().deployments().inNamespace(NS).withName("hello").get();
                other.getMetadata().getAnnotations().put("touched-by", "someone-else");
                client.apps().deployments().inNamespace(NS).resource(other).update();
            }
        };
        provider.update(hello("img:2", Map.of()));
        var deployment = client.apps().deployments().inNamespace(NS).withName("hello").get();
        assertThat(once).as("the write was made stale").isTrue();
        assertThat(writes).as("refused with 409, read again and written again").hasValue(2);
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()).isEqualTo("img:2");
        assertThat(deployment.getMetadata().getAnnotations()).doesNotContainKey("touched-by")
                .as("the update was made from the Deployment as it was after the other change, then replaced it whole")
                .containsKey(FunctionObjects.DEPLOYMENT_ANNOTATION);
    }

    @Test
    void callsGoToTheReadyEndpointsOfTheFunctionsEndpointSlices() {
        provider.deploy(hello("img:1", Map.of()));
        var slice = new EndpointSliceBuilder().withNewMetadata().withName("hello-abc").withNamespace(NS)
                .addToLabels("kubernetes.io/service-name", "hello").endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("10.1.0.5").withNewConditions().withReady(true).endConditions()
                .withNewTargetRef().withKind("Pod").withName("hello-7d9f-x1").endTargetRef().endEndpoint()
                .addNewEndpoint().withAddresses("10.1.0.6").withNewConditions().withReady(false).endConditions().endEndpoint()
                .build();
        client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> provider.find(FN).map(f -> !f.readyReplicas().isEmpty()).orElse(false));
        var replicas = provider.find(FN).orElseThrow().readyReplicas();
        assertThat(replicas).hasSize(1);
        var replica = (HttpReplica) replicas.getFirst();
        assertThat(replica.host()).isEqualTo("10.1.0.5");
        assertThat(replica.port()).isEqualTo(8080);
        assertThat(replica.instance()).isEqualTo("hello-7d9f-x1");
        assertThat(provider.find(new FunctionName("absent", NS))).isEmpty();
    }
}
