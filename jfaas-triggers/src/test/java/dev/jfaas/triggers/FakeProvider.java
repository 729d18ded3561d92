package dev.jfaas.triggers;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.Provider;
import dev.jfaas.provider.Replica;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Deployments in a map: what the triggers ask of a provider, without running anything. */
final class FakeProvider implements Provider {

    final Map<FunctionName, FunctionDeployment> deployed = new ConcurrentHashMap<>();

    FunctionName add(String name, Map<String, String> annotations) {
        var deployment = new FunctionDeployment(name, "img", "openfaas-fn", "cat", Map.of(), List.of(), List.of(), Map.of(),
                annotations, null, null, null);
        deployed.put(deployment.validatedName(), deployment);
        return deployment.validatedName();
    }

    @Override
    public Optional<DeployedFunction> find(FunctionName name) {
        var deployment = deployed.get(name);
        if (deployment == null) {
            return Optional.empty();
        }
        return Optional.of(new DeployedFunction() {
            @Override
            public FunctionName name() {
                return name;
            }

            @Override
            public FunctionDeployment deployment() {
                return deployment;
            }

            @Override
            public WatchdogConfig watchdog() {
                return WatchdogConfig.of(deployment);
            }

            @Override
            public RetryPolicy retryPolicy() {
                return RetryPolicy.of(deployment.annotations());
            }

            @Override
            public List<Replica> readyReplicas() {
                return List.of();
            }

            @Override
            public CompletionStage<Void> awaitReady() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void countInvocation() {}
        });
    }

    @Override
    public List<FunctionStatus> list(String namespace) {
        return deployed.values().stream().map(d -> new FunctionStatus(d.service(), d.image(), d.namespace(), d.envProcess(),
                d.envVars(), d.constraints(), d.secrets(), d.labels(), d.annotations(), null, null, null, 0, 1, 1,
                "2026-01-01T00:00:00Z", null, null, null)).toList();
    }

    @Override
    public Optional<FunctionStatus> status(FunctionName name) {
        return list(null).stream().filter(s -> s.name().equals(name.name())).findFirst();
    }

    @Override
    public void deploy(FunctionDeployment deployment) {
        deployed.put(deployment.validatedName(), deployment);
    }

    @Override
    public void update(FunctionDeployment deployment) {
        deployed.put(deployment.validatedName(), deployment);
    }

    @Override
    public void remove(FunctionName name) {
        deployed.remove(name);
    }

    @Override
    public void scale(FunctionName name, int replicas) {}

    @Override
    public void secretChanged(String namespace, String secret) {}

    @Override
    public FunctionLogs logs() {
        throw new UnsupportedOperationException("no logs here");
    }

    @Override
    public void close() {}
}
