package dev.jfaas.provider.kubernetes;

import dev.jfaas.function.FunctionName;
import dev.jfaas.store.Namespace;
import dev.jfaas.store.NamespaceStore;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Function namespaces as faas-netes sees them: Kubernetes Namespaces annotated {@code openfaas=1}
 * (and the default {@code openfaas-fn}, made when first asked for). Others are not listed, and
 * {@code kube-system} never is. Creating one makes the Namespace with that annotation.
 */
final class KubernetesNamespaces implements NamespaceStore {

    static final String ANNOTATION = "openfaas";

    private final KubernetesClient client;

    KubernetesNamespaces(KubernetesClient client) {
        this.client = client;
    }

    private static boolean forFunctions(io.fabric8.kubernetes.api.model.Namespace ns) {
        var annotations = ns.getMetadata().getAnnotations();
        return !ns.getMetadata().getName().equals("kube-system") && annotations != null && "1".equals(annotations.get(ANNOTATION));
    }

    private static Namespace of(io.fabric8.kubernetes.api.model.Namespace ns) {
        var annotations = new LinkedHashMap<String, String>(ns.getMetadata().getAnnotations());
        return new Namespace(ns.getMetadata().getName(), ns.getMetadata().getLabels(), annotations);
    }

    private void ensureDefault() {
        if (client.namespaces().withName(FunctionName.DEFAULT_NAMESPACE).get() == null) {
            createNamespace(new Namespace(FunctionName.DEFAULT_NAMESPACE, Map.of(), Map.of()));
        }
    }

    @Override
    public List<Namespace> namespaces() {
        ensureDefault();
        return client.namespaces().list().getItems().stream().filter(KubernetesNamespaces::forFunctions)
                .map(KubernetesNamespaces::of).sorted(java.util.Comparator.comparing(Namespace::name)).toList();
    }

    @Override
    public Optional<Namespace> namespace(String name) {
        if (name.equals(FunctionName.DEFAULT_NAMESPACE)) {
            ensureDefault();
        }
        return Optional.ofNullable(client.namespaces().withName(name).get()).filter(KubernetesNamespaces::forFunctions)
                .map(KubernetesNamespaces::of);
    }

    @Override
    public boolean createNamespace(Namespace namespace) {
        var annotations = new LinkedHashMap<String, String>(namespace.annotations());
        annotations.put(ANNOTATION, "1");
        return ClusterWrites.createdUnlessPresent(() -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withName(namespace.name()).withLabels(namespace.labels()).withAnnotations(annotations).endMetadata().build()).create());
    }

    @Override
    public boolean updateNamespace(Namespace namespace) {
        var current = client.namespaces().withName(namespace.name()).get();
        if (current == null || !forFunctions(current)) {
            return false;
        }
        var annotations = new LinkedHashMap<String, String>(namespace.annotations());
        annotations.put(ANNOTATION, "1");
        current.getMetadata().setLabels(namespace.labels());
        current.getMetadata().setAnnotations(annotations);
        client.namespaces().resource(current).update();
        return true;
    }

    @Override
    public boolean deleteNamespace(String name) {
        var current = client.namespaces().withName(name).get();
        if (current == null || !forFunctions(current)) {
            return false;
        }
        return !client.namespaces().withName(name).delete().isEmpty();
    }
}
