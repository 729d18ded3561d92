package dev.jfaas.provider;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.function.WatchdogConfig;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** What the invoke path needs to know about a deployed function; looked up once per call. */
public interface DeployedFunction {

    FunctionName name();

    FunctionDeployment deployment();

    WatchdogConfig watchdog();

    /** How its async calls are retried, from its annotations (validated at deploy). */
    RetryPolicy retryPolicy();

    /** Replicas that can take a call now. */
    List<Replica> readyReplicas();

    /**
     * Completes once a replica is ready, asking for one if none is wanted (scale from zero).
     * Many callers share the same wait.
     */
    CompletionStage<Void> awaitReady();

    void countInvocation();
}
