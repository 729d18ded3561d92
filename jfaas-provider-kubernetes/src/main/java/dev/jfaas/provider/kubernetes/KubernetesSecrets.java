package dev.jfaas.provider.kubernetes;

import dev.jfaas.store.Secret;
import dev.jfaas.store.SecretStore;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Function secrets as Kubernetes Secrets, as faas-netes keeps them: one Secret per name, labelled
 * {@code app.kubernetes.io/managed-by=jfaas}, its value under the key of its name, so the projected
 * volume shows it as {@code /var/openfaas/secrets/<name>}. Only Secrets jfaas made are listed or changed.
 */
final class KubernetesSecrets implements SecretStore {

    private final KubernetesClient client;

    KubernetesSecrets(KubernetesClient client) {
        this.client = client;
    }

    private io.fabric8.kubernetes.api.model.Secret ours(String namespace, String name) {
        var secret = client.secrets().inNamespace(namespace).withName(name).get();
        return secret != null && secret.getMetadata().getLabels() != null
                && "jfaas".equals(secret.getMetadata().getLabels().get(FunctionObjects.MANAGED_BY)) ? secret : null;
    }

    private static io.fabric8.kubernetes.api.model.Secret of(Secret secret) {
        return new SecretBuilder().withNewMetadata().withName(secret.name()).withNamespace(secret.namespace())
                .addToLabels(FunctionObjects.MANAGED_BY, "jfaas").endMetadata().withType("Opaque")
                .withData(Map.of(secret.name(), Base64.getEncoder().encodeToString(secret.value()))).build();
    }

    @Override
    public boolean createSecret(Secret secret) {
        return ClusterWrites.createdUnlessPresent(() -> client.secrets().inNamespace(secret.namespace()).resource(of(secret)).create());
    }

    @Override
    public boolean updateSecret(Secret secret) {
        if (ours(secret.namespace(), secret.name()) == null) {
            return false;
        }
        client.secrets().inNamespace(secret.namespace()).resource(of(secret)).update();
        return true;
    }

    @Override
    public boolean deleteSecret(String namespace, String name) {
        if (ours(namespace, name) == null) {
            return false;
        }
        return !client.secrets().inNamespace(namespace).withName(name).delete().isEmpty();
    }

    @Override
    public List<String> secretNames(String namespace) {
        return client.secrets().inNamespace(namespace).withLabel(FunctionObjects.MANAGED_BY, "jfaas").list().getItems().stream()
                .map(s -> s.getMetadata().getName()).sorted().toList();
    }

    @Override
    public Optional<byte[]> secretValue(String namespace, String name) {
        var secret = ours(namespace, name);
        if (secret == null || secret.getData() == null || !secret.getData().containsKey(name)) {
            return Optional.empty();
        }
        return Optional.of(Base64.getDecoder().decode(secret.getData().get(name)));
    }
}
