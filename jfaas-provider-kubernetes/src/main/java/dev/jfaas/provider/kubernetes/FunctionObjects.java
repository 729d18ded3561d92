package dev.jfaas.provider.kubernetes;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.function.ScalingPolicy;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecretProjectionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function as faas-netes makes it: a Deployment and a ClusterIP Service named after it, selected
 * by {@code faas_function=<name>}, container port 8080 with {@code /_/health} probes, {@code fprocess}
 * and the env vars, limits and requests as Quantities, constraints as a node selector, a read-only
 * root and no privilege escalation, secrets projected at {@code /var/openfaas/secrets}.
 */
final class FunctionObjects {

    static final String FUNCTION_LABEL = "faas_function";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final int PORT = 8080;
    static final String SECRETS_PATH = "/var/openfaas/secrets";
    /** The request as sent, kept so status and update read back exactly what was deployed. */
    static final String DEPLOYMENT_ANNOTATION = "com.jfaas.deployment";

    private FunctionObjects() {}

    static Deployment deployment(FunctionDeployment function, String json, int replicas) {
        var name = function.service();
        var labels = new LinkedHashMap<String, String>(function.labels());
        labels.put(FUNCTION_LABEL, name);
        labels.put(MANAGED_BY, "jfaas");
        var annotations = new LinkedHashMap<String, String>(function.annotations());
        annotations.put(DEPLOYMENT_ANNOTATION, json);
        var env = new ArrayList<EnvVar>();
        if (function.envProcess() != null && !function.envProcess().isBlank()) {
            env.add(new EnvVar("fprocess", function.envProcess(), null));
        }
        function.envVars().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        var container = new ContainerBuilder().withName(name).withImage(function.image())
                .addNewPort().withContainerPort(PORT).withProtocol("TCP").endPort()
                .withEnv(env)
                .withResources(new ResourceRequirementsBuilder().withLimits(quantities(function.limits()))
                        .withRequests(quantities(function.requests())).build())
                .withLivenessProbe(probe()).withReadinessProbe(probe())
                .withNewSecurityContext().withReadOnlyRootFilesystem(Boolean.TRUE.equals(function.readOnlyRootFilesystem()))
                .withAllowPrivilegeEscalation(false).endSecurityContext();
        var podSpec = new io.fabric8.kubernetes.api.model.PodSpecBuilder().withNodeSelector(nodeSelector(function.constraints()));
        if (!function.secrets().isEmpty()) {
            var sources = function.secrets().stream().map(secret -> new VolumeProjectionBuilder()
                    .withSecret(new SecretProjectionBuilder().withName(secret).build()).build()).toList();
            podSpec.addToVolumes(new VolumeBuilder().withName(name + "-projected-secrets").withNewProjected()
                    .withSources(sources).endProjected().build());
            container.addToVolumeMounts(new VolumeMountBuilder().withName(name + "-projected-secrets")
                    .withMountPath(SECRETS_PATH).withReadOnly(true).build());
        }
        if (Boolean.TRUE.equals(function.readOnlyRootFilesystem())) {
            podSpec.addToVolumes(new VolumeBuilder().withName("temp").withNewEmptyDir().endEmptyDir().build());
            container.addToVolumeMounts(new VolumeMountBuilder().withName("temp").withMountPath("/tmp").build());
        }
        podSpec.addToContainers(container.build());
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(function.namespace()).withLabels(labels)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels(FUNCTION_LABEL, name).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).withAnnotations(function.annotations()).endMetadata()
                .withSpec(podSpec.build()).endTemplate()
                .endSpec().build();
    }

    static Service service(FunctionDeployment function) {
        var name = function.service();
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(function.namespace())
                .addToLabels(FUNCTION_LABEL, name).addToLabels(MANAGED_BY, "jfaas").endMetadata()
                .withNewSpec().withType("ClusterIP").addToSelector(FUNCTION_LABEL, name)
                .addNewPort().withName("http").withPort(PORT).withTargetPort(new IntOrString(PORT)).withProtocol("TCP").endPort()
                .endSpec().build();
    }

    static int initialReplicas(FunctionDeployment function) {
        return Math.max(ScalingPolicy.of(function.labels()).min(), 1);
    }

    private static io.fabric8.kubernetes.api.model.Probe probe() {
        return new ProbeBuilder().withNewHttpGet().withPath("/_/health").withPort(new IntOrString(PORT)).endHttpGet()
                .withInitialDelaySeconds(0).withPeriodSeconds(2).withTimeoutSeconds(1).build();
    }

    private static Map<String, Quantity> quantities(dev.jfaas.function.Resources resources) {
        var out = new HashMap<String, Quantity>();
        if (resources == null) {
            return out;
        }
        try {
            if (resources.memory() != null && !resources.memory().isBlank()) {
                out.put("memory", Quantity.parse(resources.memory()));
            }
            if (resources.cpu() != null && !resources.cpu().isBlank()) {
                out.put("cpu", Quantity.parse(resources.cpu()));
            }
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid("invalid limits or requests: " + e.getMessage());
        }
        return out;
    }

    /** OpenFaaS constraints ("key=value", "key==value") as a node selector. */
    static Map<String, String> nodeSelector(List<String> constraints) {
        var out = new LinkedHashMap<String, String>();
        for (var constraint : constraints) {
            var at = constraint.indexOf('=');
            if (at <= 0) {
                throw RequestRejected.invalid("invalid constraint \"" + constraint + "\": use key=value");
            }
            var value = constraint.substring(at + 1);
            out.put(constraint.substring(0, at).strip(), (value.startsWith("=") ? value.substring(1) : value).strip());
        }
        return out;
    }
}
