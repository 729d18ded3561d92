package dev.jfaas.provider;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import java.util.List;
import java.util.Optional;

/**
 * Runs function replicas. Lifecycle calls validate, record the new desired state durably and
 * return; the provider then applies it in order per function (its lifecycle queue). They block on
 * disk and must not be called on an event loop. {@link #find} is the hot path and never blocks.
 */
public interface Provider extends AutoCloseable {

    Optional<DeployedFunction> find(FunctionName name);

    /** The functions of one namespace, or of all namespaces when {@code namespace} is null. */
    List<FunctionStatus> list(String namespace);

    Optional<FunctionStatus> status(FunctionName name);

    /** @throws dev.jfaas.function.RequestRejected 409 if it exists, 400 if invalid */
    void deploy(FunctionDeployment deployment);

    /** @throws dev.jfaas.function.RequestRejected 404 if absent, 400 if invalid */
    void update(FunctionDeployment deployment);

    /** @throws dev.jfaas.function.RequestRejected 404 if absent */
    void remove(FunctionName name);

    /** Sets the desired replicas, clamped to the function's maximum. @throws 404 if absent */
    void scale(FunctionName name, int replicas);

    /** Re-reads a changed secret into every function of the namespace that mounts it. */
    void secretChanged(String namespace, String secret);

    FunctionLogs logs();

    /** What the provider tells about itself in /system/info (how functions are contained, say). */
    default java.util.Map<String, Object> info() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
