package dev.jfaas.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes: every manifest parses and is accepted by the (mock) API server, the gateways
 * run the Kubernetes provider under the service account the ClusterRole is bound to, and the role
 * allows every request the provider makes.
 */
@EnableKubernetesMockClient(crud = true)
class DeployManifestsTest {

    static KubernetesClient client;
    static final Path DIR = Path.of("..", "deploy", "kubernetes");

    static List<HasMetadata> load(String file) throws Exception {
        try (var in = Files.newInputStream(DIR.resolve(file))) {
            return client.load(in).items();
        }
    }

    @Test
    void theManifestsAreWhatTheProviderNeeds() throws Exception {
        var all = new ArrayList<HasMetadata>();
        for (var file : List.of("namespaces.yaml", "rbac.yaml", "nats.yaml", "gateway.yaml", "worker.yaml")) {
            all.addAll(load(file));
        }
        assertThat(all).extracting(HasMetadata::getKind).contains("Namespace", "ServiceAccount", "ClusterRole",
                "ClusterRoleBinding", "StatefulSet", "Service", "Deployment");
        for (var item : all) {
            client.resource(item).create(); // the API server takes each as written
        }
        assertThat(client.namespaces().withName("openfaas-fn").get().getMetadata().getAnnotations()).containsEntry("openfaas", "1");

        var gateway = (Deployment) all.stream().filter(i -> i.getMetadata().getName().equals("jfaas-gateway")
                && i instanceof Deployment).findFirst().orElseThrow();
        var pod = gateway.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("jfaas");
        assertThat(pod.getContainers().getFirst().getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .contains("JFAAS_PROVIDER=kubernetes", "JFAAS_QUEUE=nats://nats:4222", "JFAAS_WORKER=false");

        var role = (ClusterRole) all.stream().filter(i -> i instanceof ClusterRole).findFirst().orElseThrow();
        record Need(String group, String resource, String verb) {}
        var needs = List.of(new Need("apps", "deployments", "create"), new Need("apps", "deployments", "watch"),
                new Need("apps", "deployments", "update"), new Need("apps", "deployments", "delete"),
                new Need("", "services", "create"), new Need("", "services", "delete"), new Need("", "secrets", "create"),
                new Need("", "secrets", "update"), new Need("", "secrets", "list"), new Need("", "namespaces", "list"),
                new Need("", "namespaces", "create"), new Need("", "pods", "list"), new Need("", "pods/log", "get"),
                new Need("discovery.k8s.io", "endpointslices", "watch"), new Need("coordination.k8s.io", "leases", "update"),
                new Need("coordination.k8s.io", "leases", "create"));
        for (var need : needs) {
            assertThat(role.getRules()).as("%s", need).anyMatch(rule -> rule.getApiGroups().contains(need.group())
                    && rule.getResources().contains(need.resource()) && rule.getVerbs().contains(need.verb()));
        }
    }
}
