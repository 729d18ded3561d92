package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.function.ScalingPolicy;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.HttpReplica;
import dev.jfaas.provider.Replica;
import dev.jfaas.store.SecretStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A function deployed on this machine: its desired state (set by API calls) and its running
 * replicas (changed only by {@link #reconcile}, which the lifecycle queue runs one at a time).
 */
final class LocalFunction implements DeployedFunction {

    /** The desired state; replaced whole, so readers see a consistent set. */
    record Spec(FunctionDeployment deployment, WatchdogConfig watchdog, ScalingPolicy scaling, RetryPolicy retry,
            int replicas, long generation) {

        Spec withReplicas(int count) {
            return new Spec(deployment, watchdog, scaling, retry, count, generation);
        }
    }

    private final FunctionName name;
    private final Instant createdAt;
    private final FunctionDirectory directory;
    private final LogBook logs;
    private final Consumer<LocalFunction> scaleFromZero;
    private final LongAdder invocations = new LongAdder();
    private volatile Spec spec;
    private volatile List<Replica> ready = List.of();
    private CompletableFuture<Void> readyWaiter = new CompletableFuture<>();

    // owned by the lifecycle queue
    private long appliedGeneration = -1;
    private final List<ServerProcess> servers = new CopyOnWriteArrayList<>();
    private final Map<ServerProcess, HttpReplica> readyServers = new LinkedHashMap<>();
    private List<Replica> forking = List.of();

    LocalFunction(FunctionName name, Spec spec, Instant createdAt, FunctionDirectory directory, LogBook logs,
            Consumer<LocalFunction> scaleFromZero) {
        this.name = name;
        this.spec = spec;
        this.createdAt = createdAt;
        this.directory = directory;
        this.logs = logs;
        this.scaleFromZero = scaleFromZero;
    }

    Spec spec() {
        return spec;
    }

    void setSpec(Spec next) {
        spec = next;
    }

    Instant createdAt() {
        return createdAt;
    }

    @Override
    public FunctionName name() {
        return name;
    }

    @Override
    public FunctionDeployment deployment() {
        return spec.deployment();
    }

    @Override
    public WatchdogConfig watchdog() {
        return spec.watchdog();
    }

    @Override
    public RetryPolicy retryPolicy() {
        return spec.retry();
    }

    @Override
    public List<Replica> readyReplicas() {
        return ready;
    }

    @Override
    public CompletionStage<Void> awaitReady() {
        if (!ready.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter;
        boolean askForReplica;
        synchronized (this) {
            if (readyWaiter.isDone()) {
                readyWaiter = new CompletableFuture<>();
            }
            waiter = readyWaiter;
            askForReplica = spec.replicas() == 0;
        }
        if (!ready.isEmpty()) {
            waiter.complete(null);
        } else if (askForReplica) {
            scaleFromZero.accept(this);
        }
        return waiter;
    }

    @Override
    public void countInvocation() {
        invocations.increment();
    }

    FunctionStatus status() {
        var s = spec;
        var d = s.deployment();
        var labels = new HashMap<>(d.labels());
        labels.put("faas_function", name.name());
        return new FunctionStatus(name.name(), d.image(), name.namespace(), d.envProcess(), d.envVars(),
                d.constraints(), d.secrets(), labels, d.annotations(), d.limits(), d.requests(),
                d.readOnlyRootFilesystem(), invocations.sum(), s.replicas(), ready.size(),
                createdAt.truncatedTo(ChronoUnit.SECONDS).toString(), null);
    }

    /** Brings the running replicas in line with the desired state. Lifecycle queue only. */
    void reconcile(SecretStore secrets) {
        var s = spec;
        directory.writeSecrets(s.deployment(), secrets);
        if (s.generation() != appliedGeneration) {
            stopReplicas();
            appliedGeneration = s.generation();
        }
        var workDir = directory.workDir(s.deployment());
        var env = ProcessEnvironment.base(s.deployment().envVars(), String.join(" ", s.watchdog().fprocess()),
                directory.secretsDir());
        if (s.watchdog().mode().forksPerCall()) {
            var next = new ArrayList<Replica>(forking.subList(0, Math.min(forking.size(), s.replicas())));
            while (next.size() < s.replicas()) {
                next.add(new ForkingReplica(newInstance(), name, s.watchdog(), workDir, env, logs));
            }
            forking = List.copyOf(next);
            publish();
            return;
        }
        while (servers.size() > s.replicas()) {
            var server = servers.removeLast();
            drainThenStop(List.of(server));
        }
        while (servers.size() < s.replicas()) {
            var server = new ServerProcess(newInstance(), name, s.watchdog(), workDir, env, logs, this::readinessChanged);
            servers.add(server);
            server.start();
        }
    }

    void stopReplicas() {
        var stopping = List.copyOf(servers);
        servers.clear();
        synchronized (this) {
            forking = List.of();
        }
        drainThenStop(stopping);
    }

    /** Stops at once, without waiting for calls in flight: the gateway is shutting down. */
    void killReplicas() {
        servers.forEach(ServerProcess::stop);
        servers.clear();
        synchronized (this) {
            readyServers.clear();
            forking = List.of();
        }
        publish();
    }

    /**
     * Takes replicas out of rotation at once, then stops each when its calls in flight have
     * finished (at most {@link #DRAIN_LIMIT}), so scaling down or to zero never cuts a call off.
     */
    private void drainThenStop(List<ServerProcess> stopping) {
        var draining = new ArrayList<HttpReplica>();
        synchronized (this) {
            for (var server : stopping) {
                var replica = readyServers.remove(server);
                if (replica != null) {
                    draining.add(replica);
                }
            }
        }
        publish();
        Thread.ofVirtual().name("drain-" + name.name()).start(() -> {
            long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
            try {
                while (draining.stream().anyMatch(r -> r.inFlight() > 0) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopping.forEach(ServerProcess::stop);
        });
    }

    private static final java.time.Duration DRAIN_LIMIT = java.time.Duration.ofSeconds(30);

    void removeFiles() {
        directory.deleteAll();
    }

    private void readinessChanged(ServerProcess server, HttpReplica replica) {
        synchronized (this) {
            if (replica == null) {
                readyServers.remove(server);
            } else if (servers.contains(server)) {
                readyServers.put(server, replica);
            }
        }
        publish();
    }

    private void publish() {
        CompletableFuture<Void> waiter;
        synchronized (this) {
            var next = new ArrayList<Replica>(forking);
            next.addAll(readyServers.values());
            ready = List.copyOf(next);
            waiter = ready.isEmpty() ? null : readyWaiter;
        }
        if (waiter != null) {
            waiter.complete(null);
        }
    }

    private String newInstance() {
        return name.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
