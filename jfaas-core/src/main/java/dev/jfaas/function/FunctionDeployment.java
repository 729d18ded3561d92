package dev.jfaas.function;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The OpenFaaS {@code FunctionDeployment} request body. Fields OpenFaaS clients still send but that
 * mean nothing here ({@code registryAuth}, {@code network}) are accepted and ignored; any other
 * unknown field is rejected so typos do not pass silently.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties({"registryAuth", "network"})
public record FunctionDeployment(
        String service,
        String image,
        String namespace,
        String envProcess,
        Map<String, String> envVars,
        List<String> constraints,
        List<String> secrets,
        Map<String, String> labels,
        Map<String, String> annotations,
        Resources limits,
        Resources requests,
        Boolean readOnlyRootFilesystem) {

    public FunctionDeployment {
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Checks the fields every provider needs and returns the function's validated name. */
    public FunctionName validatedName() {
        if (service == null || service.isEmpty()) {
            throw RequestRejected.invalid("service is required: the function's name");
        }
        if (image == null || image.isBlank()) {
            throw RequestRejected.invalid("image is required");
        }
        return FunctionName.of(service, namespace);
    }

    /** The same deployment with other environment variables (an image's, under the deployment's own). */
    public FunctionDeployment withEnvVars(java.util.Map<String, String> env) {
        return new FunctionDeployment(service, image, namespace, envProcess, env, constraints, secrets,
                labels, annotations, limits, requests, readOnlyRootFilesystem);
    }

    /** The same deployment without envProcess (so envVars.fprocess is the command). */
    public FunctionDeployment withoutProcess() {
        return new FunctionDeployment(service, image, namespace, null, envVars, constraints, secrets,
                labels, annotations, limits, requests, readOnlyRootFilesystem);
    }

    /** The same deployment with its namespace filled in. */
    public FunctionDeployment inNamespace(String ns) {
        return new FunctionDeployment(service, image, ns, envProcess, envVars, constraints, secrets,
                labels, annotations, limits, requests, readOnlyRootFilesystem);
    }
}
