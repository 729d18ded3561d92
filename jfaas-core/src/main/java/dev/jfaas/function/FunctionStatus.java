package dev.jfaas.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The OpenFaaS {@code FunctionStatus}: a deployment as the API reports it. Zero-valued fields are
 * omitted, except labels and annotations which OpenFaaS tooling expects as objects. {@code message}
 * is jfaas's own: why no replica is available, when none is, or what root it runs on when that is
 * not what was asked; and so is {@code imageDigest}, the manifest digest of the image that runs.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record FunctionStatus(
        String name,
        String image,
        String namespace,
        String envProcess,
        Map<String, String> envVars,
        List<String> constraints,
        List<String> secrets,
        @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> labels,
        @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, String> annotations,
        Resources limits,
        Resources requests,
        Boolean readOnlyRootFilesystem,
        long invocationCount,
        int replicas,
        int availableReplicas,
        String createdAt,
        Usage usage,
        String message,
        String imageDigest) {

    /** Resource use of the function's replicas, as OpenFaaS reports it. */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record Usage(double cpu, double totalMemoryBytes) {}
}
