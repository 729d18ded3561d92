package dev.jfaas.provider.kubernetes;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.QueueConcurrency;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.Replica;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** A function on Kubernetes as the invoke path sees it: its ready endpoints, and scale from zero. */
final class KubernetesFunction implements DeployedFunction {

    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("kubernetes-ready").factory());

    private final FunctionName name;
    private final String version;
    private final FunctionDeployment deployment;
    private final WatchdogConfig watchdog;
    private final RetryPolicy retryPolicy;
    private final Supplier<List<Replica>> ready;
    private final Runnable wakeUp;
    private final AtomicLong invocations;

    /** @param version the Deployment's resourceVersion this was made from */
    KubernetesFunction(FunctionName name, String version, FunctionDeployment deployment, Supplier<List<Replica>> ready,
            Runnable wakeUp, AtomicLong invocations) {
        this.name = name;
        this.version = version;
        this.deployment = deployment;
        this.watchdog = WatchdogConfig.of(deployment);
        this.retryPolicy = RetryPolicy.of(deployment.annotations());
        QueueConcurrency.of(deployment.annotations()); // refused at deploy, as the retry policy is
        this.ready = ready;
        this.wakeUp = wakeUp;
        this.invocations = invocations;
    }

    @Override
    public FunctionName name() {
        return name;
    }

    String version() {
        return version;
    }

    @Override
    public FunctionDeployment deployment() {
        return deployment;
    }

    @Override
    public WatchdogConfig watchdog() {
        return watchdog;
    }

    @Override
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    @Override
    public List<Replica> readyReplicas() {
        return ready.get();
    }

    /** Asks for a replica when none is ready (scale from zero) and completes once an endpoint is ready. */
    @Override
    public CompletionStage<Void> awaitReady() {
        var done = new CompletableFuture<Void>();
        if (!ready.get().isEmpty()) {
            done.complete(null);
            return done;
        }
        Thread.ofVirtual().start(() -> {
            try {
                wakeUp.run();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        var check = WATCH.scheduleWithFixedDelay(() -> {
            if (!ready.get().isEmpty()) {
                done.complete(null);
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
        done.whenComplete((v, e) -> check.cancel(false));
        return done;
    }

    @Override
    public void countInvocation() {
        invocations.incrementAndGet();
    }
}
