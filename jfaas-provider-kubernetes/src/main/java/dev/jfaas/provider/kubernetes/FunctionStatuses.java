package dev.jfaas.provider.kubernetes;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.function.Resources;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A function's Deployment as the OpenFaaS API reports it. */
final class FunctionStatuses {

    private FunctionStatuses() {}

    static boolean ours(Deployment deployment) {
        var labels = deployment.getMetadata().getLabels();
        return labels != null && labels.containsKey(FunctionObjects.FUNCTION_LABEL);
    }

    static FunctionStatus of(Deployment deployment, FunctionDeployment request, long invocations) {
        var status = deployment.getStatus();
        int available = status == null || status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
        int desired = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        var labels = new LinkedHashMap<String, String>(request.labels());
        labels.put(FunctionObjects.FUNCTION_LABEL, request.service());
        return new FunctionStatus(request.service(), request.image(), deployment.getMetadata().getNamespace(), request.envProcess(),
                request.envVars(), request.constraints(), request.secrets(), labels, request.annotations(), request.limits(),
                request.requests(), request.readOnlyRootFilesystem(), invocations, desired, available,
                deployment.getMetadata().getCreationTimestamp(), null, available == 0 && desired > 0 ? "no replica is ready yet" : null,
                null);
    }

    /** What a Deployment made elsewhere (kubectl, a chart) says of the function. */
    static FunctionDeployment readBack(Deployment deployment) {
        var meta = deployment.getMetadata();
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        var env = new LinkedHashMap<String, String>();
        String fprocess = null;
        for (var var : container.getEnv() == null ? List.<io.fabric8.kubernetes.api.model.EnvVar>of() : container.getEnv()) {
            if (var.getName().equals("fprocess")) {
                fprocess = var.getValue();
            } else if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            }
        }
        var labels = new LinkedHashMap<String, String>(meta.getLabels() == null ? Map.of() : meta.getLabels());
        labels.remove(FunctionObjects.MANAGED_BY);
        var annotations = new LinkedHashMap<String, String>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
        annotations.remove(FunctionObjects.DEPLOYMENT_ANNOTATION);
        var resources = container.getResources();
        return new FunctionDeployment(meta.getName(), container.getImage(), meta.getNamespace(), fprocess, env, List.of(), List.of(),
                labels, annotations, resources == null ? null : resources(resources.getLimits()),
                resources == null ? null : resources(resources.getRequests()), null);
    }

    private static Resources resources(Map<String, Quantity> quantities) {
        if (quantities == null || quantities.isEmpty()) {
            return null;
        }
        var memory = quantities.get("memory");
        var cpu = quantities.get("cpu");
        return new Resources(memory == null ? null : memory.toString(), cpu == null ? null : cpu.toString());
    }
}
