package dev.jfaas.provider.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.function.ScalingPolicy;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.LifecycleQueue;
import dev.jfaas.provider.Provider;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Functions on Kubernetes, as faas-netes runs them: each a Deployment and a Service (see
 * {@link FunctionObjects}). The cluster is the one source of truth, so any number of gateways show
 * the same functions: listing and routing read informers' caches (Deployments, and EndpointSlices
 * for the ready endpoints), never the API server on a call. Deploy, update, scale and remove of one
 * function go through its lifecycle queue, in order; a write on a stale resourceVersion (409) is
 * read again and retried.
 */
public final class KubernetesProvider implements Provider {

    private static final Logger log = LoggerFactory.getLogger(KubernetesProvider.class);
    static final int CONFLICT_RETRIES = 5;
    static final long WRITE_TIMEOUT_SECONDS = 30;

    private final KubernetesClient client;
    private final SharedIndexInformer<Deployment> deployments;
    private final EndpointSlices endpoints;
    private final LifecycleQueue lifecycle = new LifecycleQueue();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<FunctionName, AtomicLong> invocations = new ConcurrentHashMap<>();
    /** Each function as the invoke path sees it, made again only when its Deployment changes. */
    private final Map<FunctionName, KubernetesFunction> functions = new ConcurrentHashMap<>();
    /** Runs between reading an object and writing it back: tests change the object there to make the write stale. */
    volatile Runnable beforeWrite = () -> { };

    public KubernetesProvider(KubernetesClient client) {
        this.client = client;
        this.deployments = client.apps().deployments().inAnyNamespace()
                .withLabel(FunctionObjects.MANAGED_BY, "jfaas").inform();
        this.endpoints = new EndpointSlices(client);
    }

    /** In the cluster it runs in, or the one {@code KUBECONFIG} (or ~/.kube/config) names. */
    public static KubernetesProvider connect(String kubeconfig) {
        var builder = new io.fabric8.kubernetes.client.KubernetesClientBuilder();
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            try {
                builder.withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(
                        java.nio.file.Files.readString(java.nio.file.Path.of(kubeconfig.split(java.io.File.pathSeparator)[0]))));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("KUBECONFIG=" + kubeconfig + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new KubernetesProvider(builder.build());
    }

    /** Function secrets kept as Kubernetes Secrets, where the pods' projected volumes find them. */
    public dev.jfaas.store.SecretStore secrets() {
        return new KubernetesSecrets(client);
    }

    /** The Lease {@code jfaas-autoscaler} in the default function namespace, held by one gateway at a time. */
    public Leadership autoscalerLease(String identity, java.time.Duration duration) {
        namespaces().namespace(FunctionName.DEFAULT_NAMESPACE); // the Lease lives there: make sure it exists
        return new Leadership(client, FunctionName.DEFAULT_NAMESPACE, "jfaas-autoscaler", identity, duration);
    }

    /** Function namespaces: Kubernetes Namespaces annotated openfaas=1. */
    public dev.jfaas.store.NamespaceStore namespaces() {
        return new KubernetesNamespaces(client);
    }

    @Override
    public Optional<DeployedFunction> find(FunctionName name) {
        var deployment = cached(name);
        if (deployment == null) {
            functions.remove(name);
            return Optional.empty();
        }
        return Optional.of(function(name, deployment));
    }

    /** The function a Deployment describes; its request is parsed once per version of the Deployment, not per call. */
    private KubernetesFunction function(FunctionName name, Deployment deployment) {
        var version = deployment.getMetadata().getResourceVersion();
        var known = functions.get(name);
        if (known != null && java.util.Objects.equals(known.version(), version)) {
            return known;
        }
        var made = new KubernetesFunction(name, version, request(deployment), () -> endpoints.ready(name),
                () -> scale(name, 1), invocations.computeIfAbsent(name, n -> new AtomicLong()));
        functions.put(name, made);
        return made;
    }

    @Override
    public List<FunctionStatus> list(String namespace) {
        return deployments.getStore().list().stream()
                .filter(d -> namespace == null || namespace.equals(d.getMetadata().getNamespace()))
                .map(this::status).sorted(java.util.Comparator.comparing(FunctionStatus::name)).toList();
    }

    @Override
    public Optional<FunctionStatus> status(FunctionName name) {
        var deployment = cached(name);
        if (deployment == null) {
            deployment = client.apps().deployments().inNamespace(name.namespace()).withName(name.name()).get();
        }
        return Optional.ofNullable(deployment).filter(FunctionStatuses::ours).map(this::status);
    }

    private FunctionStatus status(Deployment deployment) {
        var name = new FunctionName(deployment.getMetadata().getName(), deployment.getMetadata().getNamespace());
        var count = invocations.get(name);
        return FunctionStatuses.of(deployment, function(name, deployment).deployment(), count == null ? 0 : count.get());
    }

    private Deployment cached(FunctionName name) {
        return deployments.getStore().getByKey(name.namespace() + "/" + name.name());
    }

    @Override
    public void deploy(FunctionDeployment deployment) {
        var name = checked(deployment);
        if (namespaces().namespace(name.namespace()).isEmpty()) {
            throw RequestRejected.invalid("namespace " + name.namespace()
                    + " is not a function namespace: create it through /system/namespace/, or annotate it openfaas=1");
        }
        var function = deployment.inNamespace(name.namespace());
        apply(name, "deploy", () -> {
            var existing = client.apps().deployments().inNamespace(name.namespace()).withName(name.name()).get();
            if (existing != null) {
                throw RequestRejected.conflict("function " + name.name() + " already exists in namespace " + name.namespace());
            }
            client.apps().deployments().inNamespace(name.namespace())
                    .resource(FunctionObjects.deployment(function, text(function), FunctionObjects.initialReplicas(function))).create();
            client.services().inNamespace(name.namespace()).resource(FunctionObjects.service(function)).createOr(s -> s.update());
        });
    }

    @Override
    public void update(FunctionDeployment deployment) {
        var name = checked(deployment);
        var function = deployment.inNamespace(name.namespace());
        apply(name, "update", () -> {
            retryingConflicts(name, current -> {
                var wanted = FunctionObjects.deployment(function, text(function), current.getSpec().getReplicas());
                wanted.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
                return wanted;
            });
            client.services().inNamespace(name.namespace()).resource(FunctionObjects.service(function)).createOr(s -> s.update());
        });
    }

    /** Through the Deployment's scale subresource, as an HPA would: nothing else of it is written. */
    @Override
    public void scale(FunctionName name, int replicas) {
        apply(name, "scale", () -> {
            var current = client.apps().deployments().inNamespace(name.namespace()).withName(name.name()).get();
            if (current == null || !FunctionStatuses.ours(current)) {
                throw RequestRejected.notFound("function " + name.name() + " not found in namespace " + name.namespace());
            }
            int max = ScalingPolicy.of(current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels()).max();
            client.apps().deployments().inNamespace(name.namespace()).withName(name.name()).scale(Math.max(0, Math.min(replicas, max)));
        });
    }

    @Override
    public void remove(FunctionName name) {
        apply(name, "remove", () -> {
            var deleted = client.apps().deployments().inNamespace(name.namespace()).withName(name.name())
                    .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
            if (deleted.isEmpty()) {
                throw RequestRejected.notFound("function " + name.name() + " not found in namespace " + name.namespace());
            }
            client.services().inNamespace(name.namespace()).withName(name.name()).delete();
            invocations.remove(name);
            functions.remove(name);
        });
    }

    /** Reads the function's Deployment, changes it, writes it; a stale read (409) is read again, a few times. */
    private void retryingConflicts(FunctionName name, java.util.function.UnaryOperator<Deployment> change) {
        for (int attempt = 1; ; attempt++) {
            var current = client.apps().deployments().inNamespace(name.namespace()).withName(name.name()).get();
            if (current == null || !FunctionStatuses.ours(current)) {
                throw RequestRejected.notFound("function " + name.name() + " not found in namespace " + name.namespace());
            }
            var wanted = change.apply(current);
            beforeWrite.run();
            try {
                client.apps().deployments().inNamespace(name.namespace()).resource(wanted).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == CONFLICT_RETRIES) {
                    throw e;
                }
                log.debug("{}: the Deployment changed meanwhile (409); reading it again", name);
            }
        }
    }

    /** Runs one lifecycle change in the function's queue and waits for it, so its answer (404, 409) is the caller's. */
    private void apply(FunctionName name, String what, Runnable work) {
        try {
            lifecycle.call(name, work).get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the cluster applied " + what + " of " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not apply " + what + " of " + name + " in time", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KubernetesClientException refused) {
                throw new IllegalStateException("the cluster refused " + what + " of " + name + ": " + refused.getMessage(), refused);
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(what + " of " + name + " failed", e.getCause());
        }
    }

    private static FunctionName checked(FunctionDeployment deployment) {
        var name = deployment.validatedName();
        if (name.namespace().equals("kube-system")) {
            throw RequestRejected.invalid("functions may not run in namespace kube-system");
        }
        return name;
    }

    private String text(FunctionDeployment function) {
        try {
            return json.writeValueAsString(function);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request the Deployment was made from, or what can be read off it when it was made by someone else. */
    private FunctionDeployment request(Deployment deployment) {
        var kept = deployment.getMetadata().getAnnotations() == null ? null
                : deployment.getMetadata().getAnnotations().get(FunctionObjects.DEPLOYMENT_ANNOTATION);
        if (kept != null) {
            try {
                return json.readValue(kept, FunctionDeployment.class);
            } catch (JsonProcessingException e) {
                log.warn("{}: its {} annotation is not a deployment; reading the Deployment itself", deployment.getMetadata().getName(),
                        FunctionObjects.DEPLOYMENT_ANNOTATION);
            }
        }
        return FunctionStatuses.readBack(deployment);
    }

    @Override
    public void secretChanged(String namespace, String secret) {
        // Projected secret volumes follow their Secrets by themselves.
    }

    @Override
    public FunctionLogs logs() {
        return new PodLogs(client);
    }

    @Override
    public Map<String, Object> info() {
        return Map.of("orchestration", "kubernetes", "cluster", String.valueOf(client.getMasterUrl()));
    }

    @Override
    public void close() {
        deployments.close();
        endpoints.close();
        lifecycle.close();
    }
}
