package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.function.Resources;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.function.ScalingPolicy;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.Replica;
import dev.jfaas.sandbox.FunctionSpace;
import dev.jfaas.sandbox.Limits;
import dev.jfaas.sandbox.Sandbox;
import dev.jfaas.sandbox.network.NetworkMode;
import dev.jfaas.store.SecretStore;
import java.time.Duration;
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
            Limits limits, NetworkMode network, FunctionRoots.Root root, int replicas, long generation) {

        Spec withReplicas(int count) {
            return new Spec(deployment, watchdog, scaling, retry, limits, network, root, count, generation);
        }

        Spec withGeneration(long next) {
            return new Spec(deployment, watchdog, scaling, retry, limits, network, root, replicas, next);
        }
    }

    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

    private final FunctionName name;
    private final Instant createdAt;
    private final Sandbox sandbox;
    private final FunctionSpace space;
    private final LogBook logs;
    private final Consumer<LocalFunction> scaleFromZero;
    private final LongAdder invocations = new LongAdder();
    private final CpuRate cpuRate = new CpuRate();
    private volatile Spec spec;
    private volatile List<Replica> ready = List.of();
    private CompletableFuture<Void> readyWaiter = new CompletableFuture<>();

    // owned by the lifecycle queue
    private long appliedGeneration = -1;
    private final List<ReplicaProcess> replicas = new CopyOnWriteArrayList<>();
    private final Map<ReplicaProcess, Replica> readyReplicas = new LinkedHashMap<>();
    private final PremadeSandbox premade;

    LocalFunction(FunctionName name, Spec spec, Instant createdAt, Sandbox sandbox, LogBook logs,
            Consumer<LocalFunction> scaleFromZero) {
        this.name = name;
        this.spec = spec;
        this.createdAt = createdAt;
        this.sandbox = sandbox;
        this.space = sandbox.space();
        this.premade = new PremadeSandbox(sandbox);
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

    /**
     * Completes once a replica is ready; fails at once, with the reason, when every replica's last
     * start failed (it exited before it was ready, or could not be started): a call learns why now,
     * not after the scale-from-zero timeout. The replicas keep being restarted, with backoff.
     */
    @Override
    public CompletionStage<Void> awaitReady() {
        if (!ready.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        var failing = failing();
        if (failing != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(failing));
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
        long cpuNanos = 0;
        long memory = 0;
        for (var replica : replicas) {
            var usage = replica.usage();
            cpuNanos += usage.cpuNanos();
            memory += usage.memoryBytes();
        }
        var usage = replicas.isEmpty() ? null : new FunctionStatus.Usage(cpuRate.millicores(cpuNanos), memory);
        String message = s.root().note();
        if (ready.isEmpty()) {
            var problem = replicas.stream().map(ReplicaProcess::problem).filter(java.util.Objects::nonNull).findFirst();
            if (problem.isPresent()) {
                message = problem.get() + (message == null ? "" : "; " + message);
            }
        }
        return new FunctionStatus(name.name(), d.image(), name.namespace(), d.envProcess(), d.envVars(),
                d.constraints(), d.secrets(), labels, d.annotations(), effectiveLimits(d.limits(), s.limits()), d.requests(),
                d.readOnlyRootFilesystem(), invocations.sum(), s.replicas(), ready.size(),
                createdAt.truncatedTo(ChronoUnit.SECONDS).toString(), usage, message,
                s.root().image() == null ? null : s.root().image().digest());
    }

    /** The limits as deployed, with the gateway's default memory limit where none was set, so describe shows it. */
    private static Resources effectiveLimits(Resources deployed, Limits applied) {
        boolean noMemory = deployed == null || deployed.memory() == null || deployed.memory().isBlank();
        if (!noMemory || applied.memoryBytes() == 0) {
            return deployed;
        }
        var memory = applied.memoryBytes() % (1 << 20) == 0 ? (applied.memoryBytes() >> 20) + "Mi" : Long.toString(applied.memoryBytes());
        return new Resources(memory, deployed == null ? null : deployed.cpu());
    }

    /** Brings the running replicas in line with the desired state. Lifecycle queue only. */
    void reconcile(SecretStore secrets) {
        var s = spec;
        var values = new HashMap<String, byte[]>();
        for (var secret : s.deployment().secrets()) {
            // a secret deleted after deploy disappears from the function, as on Kubernetes
            secrets.secretValue(s.deployment().namespace(), secret).ifPresent(v -> values.put(secret, v));
        }
        space.writeSecrets(values);
        if (s.generation() != appliedGeneration) {
            stopReplicas();
            appliedGeneration = s.generation();
        }
        while (replicas.size() > s.replicas()) {
            drainThenStop(List.of(replicas.removeLast()));
        }
        var envVars = new HashMap<>(s.root().imageEnv());
        envVars.putAll(s.deployment().envVars());
        // An image's own watchdog runs fprocess itself: it gets the deployment's, not its own command.
        var process = s.root().watchdogPort() == 0 ? String.join(" ", s.watchdog().fprocess())
                : s.deployment().envProcess() != null && !s.deployment().envProcess().isBlank() ? s.deployment().envProcess()
                : envVars.getOrDefault("fprocess", "");
        var env = ProcessEnvironment.base(envVars, process);
        env.putIfAbsent("function_name", name.name());
        while (replicas.size() < s.replicas()) {
            if (!startPremade()) {
                var replica = replica(s, env, this::readinessChanged, false);
                replicas.add(replica);
                replica.start();
            }
        }
        if (s.replicas() == 0) {
            premade.make(s, listener -> replica(s, env, listener, true), this::readinessChanged);
        }
    }

    private ReplicaProcess replica(Spec s, Map<String, String> env, ReplicaProcess.Listener listener, boolean held) {
        return new ReplicaProcess(newInstance(), name, s.watchdog(), s.root().view(), s.root().watchdogPort() != 0,
                s.network(), s.limits(), env, sandbox, space, logs, listener, held);
    }

    /** The replica made ahead becomes the function's (always of the spec in force: a new one drops it). */
    private boolean startPremade() {
        var held = premade.take();
        if (held == null) {
            return false;
        }
        replicas.add(held);
        if (held.release()) {
            return true;
        }
        replicas.remove(held); // it failed while held
        return false;
    }

    CompletableFuture<Void> stopReplicas() {
        premade.drop(false);
        var stopping = List.copyOf(replicas);
        replicas.clear();
        return drainThenStop(stopping);
    }

    /** Stops at once, without waiting for calls in flight: the gateway is shutting down. */
    void killReplicas() {
        premade.drop(true);
        replicas.forEach(ReplicaProcess::kill);
        replicas.clear();
        synchronized (this) {
            readyReplicas.clear();
        }
        publish();
    }

    /** The function is gone: its replicas stop (after their calls), then its user and secrets go. */
    void remove() {
        stopReplicas().whenComplete((v, e) -> space.close());
    }

    /**
     * Takes replicas out of rotation at once, then stops each when its calls in flight have
     * finished (at most {@link #DRAIN_LIMIT}), so scaling down or to zero never cuts a call off.
     */
    private CompletableFuture<Void> drainThenStop(List<ReplicaProcess> stopping) {
        var draining = new ArrayList<Replica>();
        synchronized (this) {
            for (var replica : stopping) {
                var ready = readyReplicas.remove(replica);
                if (ready != null) {
                    draining.add(ready);
                }
            }
        }
        publish();
        var stopped = new CompletableFuture<Void>();
        Thread.ofVirtual().name("drain-" + name.name()).start(() -> {
            long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
            try {
                while (draining.stream().anyMatch(r -> r.inFlight() > 0) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopping.forEach(ReplicaProcess::stop);
            stopped.complete(null);
        });
        return stopped;
    }

    private void readinessChanged(ReplicaProcess process, Replica replica) {
        synchronized (this) {
            if (replica == null) {
                readyReplicas.remove(process);
            } else if (replicas.contains(process)) {
                readyReplicas.put(process, replica);
            }
        }
        publish();
        var failing = replica == null ? failing() : null;
        if (failing != null) {
            CompletableFuture<Void> waiter;
            synchronized (this) {
                waiter = readyWaiter;
                readyWaiter = new CompletableFuture<>();
            }
            waiter.completeExceptionally(new IllegalStateException(failing));
        }
    }

    /** Why no replica can take a call, when none is ready and every one's last start failed; else null. */
    private String failing() {
        if (!ready.isEmpty()) {
            return null;
        }
        String first = null;
        for (var replica : replicas) {
            var problem = replica.problem();
            if (problem == null) {
                return null;
            }
            first = first == null ? problem : first;
        }
        return first;
    }

    private void publish() {
        CompletableFuture<Void> waiter;
        synchronized (this) {
            ready = List.copyOf(readyReplicas.values());
            waiter = ready.isEmpty() ? null : readyWaiter;
        }
        if (waiter != null) {
            waiter.complete(null);
        }
    }

    private String newInstance() {
        return name.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** CPU use in millicores, as OpenFaaS reports it: the CPU time added since the last reading, per wall time. */
    private static final class CpuRate {
        private long lastNanos;
        private long lastAt = System.nanoTime();
        private double millicores;

        synchronized double millicores(long cpuNanos) {
            long now = System.nanoTime();
            long elapsed = now - lastAt;
            if (elapsed >= 1_000_000_000L) {
                millicores = Math.max(0, cpuNanos - lastNanos) * 1000.0 / elapsed;
                lastNanos = cpuNanos;
                lastAt = now;
            }
            return millicores;
        }
    }
}
