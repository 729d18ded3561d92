package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.provider.LifecycleQueue;
import dev.jfaas.function.QueueConcurrency;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.function.ScalingPolicy;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.Provider;
import dev.jfaas.sandbox.Limits;
import dev.jfaas.sandbox.Sandbox;
import dev.jfaas.sandbox.View;
import dev.jfaas.sandbox.network.NetworkMode;
import dev.jfaas.images.ImageSettings;
import dev.jfaas.images.ImageStore;
import dev.jfaas.store.FunctionStore;
import dev.jfaas.store.NamespaceStore;
import dev.jfaas.store.SecretStore;
import dev.jfaas.store.StoredFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs functions as local processes, each replica in its sandbox, configured like the OpenFaaS
 * of-watchdog. API calls update the desired state, store it, and queue a reconcile on the
 * function's lifecycle queue.
 */
public final class ProcessProvider implements Provider {

    private static final Logger log = LoggerFactory.getLogger(ProcessProvider.class);

    /** Annotation for a function's own pids limit (processes and threads per replica). */
    static final String PIDS_ANNOTATION = "com.jfaas.limits.pids";

    private final Path dataDir;
    private final FunctionStore functionStore;
    private final SecretStore secrets;
    private final NamespaceStore namespaces;
    private final Map<FunctionName, LocalFunction> functions = new ConcurrentHashMap<>();
    private final LifecycleQueue lifecycle = new LifecycleQueue();
    private final LogBook logs = new LogBook();
    private final Sandbox sandbox;
    private final ImageStore images;
    private final FunctionRoots roots;

    /** @param imageSettings how images are found: strictly (never a run on the host's root), and when they are pulled */
    public ProcessProvider(Path dataDir, FunctionStore functionStore, SecretStore secrets, NamespaceStore namespaces,
            Sandbox sandbox, ImageStore images, ImageSettings imageSettings) {
        this.dataDir = dataDir;
        this.sandbox = sandbox;
        this.images = images;
        this.roots = new FunctionRoots(images, imageSettings.strict(), imageSettings.pull());
        this.functionStore = functionStore;
        this.secrets = secrets;
        this.namespaces = namespaces;
    }

    /** Starts the functions kept in the store, as they were when the gateway last stopped. */
    public void restore() {
        forgetOldFunctionFiles();
        for (var stored : functionStore.loadFunctions()) {
            try {
                var d = stored.deployment();
                var name = d.validatedName();
                var root = roots.resolve(d, false);
                var limits = limits(d);
                var spec = new LocalFunction.Spec(d, capacity(watchdog(d, root), limits), ScalingPolicy.of(d.labels()),
                        RetryPolicy.of(d.annotations()), limits, network(d), root, stored.replicas(), 0);
                var fn = newFunction(name, spec, stored.createdAt());
                functions.put(name, fn);
                reconcileLater(fn, "restore");
            } catch (RequestRejected e) {
                log.error("cannot restore function {}: {}", stored.deployment().service(), e.getMessage());
            }
        }
        log.info("restored {} functions", functions.size());
    }

    @Override
    public Optional<DeployedFunction> find(FunctionName name) {
        return Optional.ofNullable(functions.get(name));
    }

    @Override
    public List<FunctionStatus> list(String namespace) {
        return functions.values().stream()
                .filter(f -> namespace == null || f.name().namespace().equals(namespace))
                .sorted(Comparator.comparing(f -> f.name().name()))
                .map(LocalFunction::status)
                .toList();
    }

    @Override
    public Optional<FunctionStatus> status(FunctionName name) {
        return Optional.ofNullable(functions.get(name)).map(LocalFunction::status);
    }

    /*
     * Deploy and update check the deployment (which may pull its image) before taking the
     * provider's lock: one slow or stalled registry must hold up no other deploy, scale or call
     * from zero. What is checked again under the lock is only what may have changed meanwhile.
     */

    @Override
    public void deploy(FunctionDeployment request) {
        var name = request.validatedName();
        var deployment = request.inNamespace(name.namespace());
        if (functions.containsKey(name)) {
            throw alreadyExists(name);
        }
        var spec = validate(deployment, 0);
        synchronized (this) {
            if (functions.containsKey(name)) {
                throw alreadyExists(name);
            }
            var initial = spec.withReplicas(spec.scaling().min());
            var createdAt = Instant.now();
            functionStore.save(new StoredFunction(deployment, initial.replicas(), createdAt));
            var fn = newFunction(name, initial, createdAt);
            functions.put(name, fn);
            reconcileLater(fn, "deploy");
        }
    }

    private static RequestRejected alreadyExists(FunctionName name) {
        return RequestRejected.conflict("function " + name + " already exists; use PUT to update it");
    }

    @Override
    public void update(FunctionDeployment request) {
        var name = request.validatedName();
        var deployment = request.inNamespace(name.namespace());
        existing(name);
        var checked = validate(deployment, 0);
        synchronized (this) {
            var fn = existing(name);
            var old = fn.spec();
            int replicas = Math.max(old.replicas(), checked.scaling().min());
            var next = checked.withGeneration(old.generation() + 1).withReplicas(checked.scaling().clamp(replicas));
            functionStore.save(new StoredFunction(deployment, next.replicas(), fn.createdAt()));
            fn.setSpec(next);
            reconcileLater(fn, "update");
            collectImages();
        }
    }

    @Override
    public synchronized void remove(FunctionName name) {
        var fn = existing(name);
        functionStore.delete(name);
        functions.remove(name);
        lifecycle.submit(name, "remove", () -> {
            fn.remove();
            logs.forget(name);
            collectImages();
        });
    }

    @Override
    public synchronized void scale(FunctionName name, int replicas) {
        var fn = existing(name);
        setReplicas(fn, replicas, "scale");
    }

    private void setReplicas(LocalFunction fn, int replicas, String why) {
        var old = fn.spec();
        var next = old.withReplicas(old.scaling().clamp(replicas));
        functionStore.save(new StoredFunction(old.deployment(), next.replicas(), fn.createdAt()));
        fn.setSpec(next);
        reconcileLater(fn, why);
    }

    /** A call found no replica and none is wanted: ask for the minimum, at least one. */
    private void scaleFromZero(LocalFunction fn) {
        lifecycle.submit(fn.name(), "scale from zero", () -> {
            synchronized (this) {
                if (functions.get(fn.name()) == fn && fn.spec().replicas() == 0) {
                    setReplicas(fn, Math.max(1, fn.spec().scaling().min()), "scale from zero");
                }
            }
        });
    }

    @Override
    public void secretChanged(String namespace, String secret) {
        for (var fn : functions.values()) {
            if (fn.name().namespace().equals(namespace) && fn.deployment().secrets().contains(secret)) {
                reconcileLater(fn, "secret update");
            }
        }
    }

    @Override
    public FunctionLogs logs() {
        return logs;
    }

    @Override
    public Map<String, Object> info() {
        var report = sandbox.report();
        return Map.of("sandbox", report.sandbox(), "users", report.users(), "network", report.network(),
                "limits", report.limits(), "limitsEnforced", report.enforced(), "defaultMemory", sandbox.defaultMemory());
    }

    private LocalFunction.Spec validate(FunctionDeployment deployment, long generation) {
        var root = roots.resolve(deployment, true);
        var watchdog = watchdog(deployment, root);
        var scaling = ScalingPolicy.of(deployment.labels());
        var retry = RetryPolicy.of(deployment.annotations());
        QueueConcurrency.of(deployment.annotations()); // refused now, not when its first async call runs
        var ns = deployment.namespace();
        if (namespaces.namespace(ns).isEmpty()) {
            throw RequestRejected.invalid("namespace " + ns + " does not exist; create it with POST /system/namespace/" + ns);
        }
        var known = secrets.secretNames(ns);
        for (var secret : deployment.secrets()) {
            if (!known.contains(secret)) {
                throw RequestRejected.invalid("secret " + secret + " not found in namespace " + ns
                        + "; create it first with POST /system/secrets");
            }
        }
        try {
            if (root.view() instanceof View.Host host && host.appDir() != null) {
                sandbox.checkReachable(host.appDir());
            }
            sandbox.checkProgram(watchdog.fprocess().getFirst(), root.view(), effective(deployment, root).envVars().get("PATH"));
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid(e.getMessage());
        }
        var limits = limits(deployment);
        return new LocalFunction.Spec(deployment, capacity(watchdog, limits), scaling, retry, limits, network(deployment), root, 0,
                generation);
    }

    /**
     * How jfaas runs it: as the of-watchdog would (its env), or, for an image that brings its own
     * watchdog, as an http server: the image's command, health at /_/health. That watchdog reads
     * fprocess, mode and the rest itself, from the environment, which is left as deployed.
     */
    private static WatchdogConfig watchdog(FunctionDeployment deployment, FunctionRoots.Root root) {
        if (root.watchdogPort() == 0) {
            return WatchdogConfig.of(effective(deployment, root));
        }
        var own = new java.util.HashMap<String, String>();
        for (var key : java.util.List.of("exec_timeout", "read_timeout", "write_timeout", "max_inflight")) {
            var value = effective(deployment, root).envVars().get(key);
            if (value != null) {
                own.put(key, value);
            }
        }
        own.put("mode", "http");
        own.put("ready_path", "/_/health");
        own.put("fprocess", String.join(" ", root.image().config().command()));
        return WatchdogConfig.of(deployment.withEnvVars(own).withoutProcess());
    }

    /** The deployment as it runs: its image's environment under its own envVars (fprocess overrides the image's). */
    private static FunctionDeployment effective(FunctionDeployment deployment, FunctionRoots.Root root) {
        if (root.imageEnv().isEmpty()) {
            return deployment;
        }
        var env = new java.util.HashMap<>(root.imageEnv());
        env.putAll(deployment.envVars());
        return deployment.withEnvVars(env);
    }

    /** Unpacked image roots no function runs from any more are removed. */
    private void collectImages() {
        var inUse = new java.util.HashSet<String>();
        for (var fn : functions.values()) {
            var image = fn.spec().root().image();
            if (image != null) {
                inUse.add(image.digest());
            }
        }
        int removed = images.collect(inUse);
        if (removed > 0) {
            log.info("removed {} unpacked image roots no function uses", removed);
        }
    }

    /** The images functions run from, by name, so an image in use is not removed from under them. */
    public java.util.Set<String> imagesInUse() {
        var names = new java.util.HashSet<String>();
        for (var fn : functions.values()) {
            var image = fn.spec().root().image();
            if (image != null) {
                names.add(image.name());
            }
        }
        return names;
    }

    private Limits limits(FunctionDeployment deployment) {
        var limits = deployment.limits();
        var pidsText = deployment.annotations().get(PIDS_ANNOTATION);
        int pids = sandbox.defaultPids();
        if (pidsText != null) {
            try {
                pids = Integer.parseInt(pidsText.strip());
            } catch (NumberFormatException e) {
                pids = 0;
            }
            if (pids < 1) {
                throw RequestRejected.invalid("invalid " + PIDS_ANNOTATION + " \"" + pidsText + "\": a whole number of processes, at least 1");
            }
        }
        try {
            var parsed = Limits.parse(limits == null ? null : limits.memory(), limits == null ? null : limits.cpu(), pids);
            return parsed.memoryBytes() > 0 ? parsed : new Limits(sandbox.defaultMemory(), parsed.cpuMillis(), parsed.pids());
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid(e.getMessage());
        }
    }

    /**
     * A replica's calls take pids from its limit, so a function that sets no max_inflight gets a
     * quarter of them, and calls past that wait in admission (then 429 with Retry-After) instead of
     * failing. A forking replica's call takes a process and its manager (1,000 calls to a forking
     * function were 502s and 408s); a server may take a thread per connection (Python's threading
     * server does, and the gateway's event loops each keep their own connections to it: 2,000 calls
     * to one were 1,491 502s, and still 630 with all but a few pids allowed).
     */
    static WatchdogConfig capacity(WatchdogConfig watchdog, Limits limits) {
        if (watchdog.maxInflight() > 0) {
            return watchdog;
        }
        return watchdog.withMaxInflight(Math.max(1, (limits.pids() - 8) / 4));
    }

    /** Its network ({@code com.jfaas.network}), where this gateway allows it. */
    private NetworkMode network(FunctionDeployment deployment) {
        try {
            var mode = NetworkMode.of(deployment.annotations());
            sandbox.checkNetwork(mode);
            return mode;
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid(e.getMessage());
        }
    }

    /**
     * Before sandboxes, each function had a directory under the data directory, secrets in plain
     * files included. Secrets now live only in the sandbox's runtime directory while a function
     * runs, so what an older gateway left there is deleted.
     */
    private void forgetOldFunctionFiles() {
        var old = dataDir.resolve("functions");
        if (Files.isDirectory(old)) {
            try (var walk = Files.walk(old)) {
                for (var path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
                log.info("deleted {}, where an older jfaas kept function directories and secret files", old);
            } catch (java.io.IOException e) {
                log.warn("cannot delete {}, which holds secrets an older jfaas wrote: {}", old, e.getMessage());
            }
        }
    }

    private LocalFunction existing(FunctionName name) {
        var fn = functions.get(name);
        if (fn == null) {
            throw RequestRejected.notFound("function " + name + " not found");
        }
        return fn;
    }

    private LocalFunction newFunction(FunctionName name, LocalFunction.Spec spec, Instant createdAt) {
        return new LocalFunction(name, spec, createdAt, sandbox, logs, this::scaleFromZero);
    }

    private void reconcileLater(LocalFunction fn, String why) {
        lifecycle.submit(fn.name(), why, () -> {
            if (functions.get(fn.name()) == fn) {
                fn.reconcile(secrets);
            }
        });
    }

    @Override
    public void close() {
        for (var fn : functions.values()) {
            fn.killReplicas();
        }
        lifecycle.close();
    }
}
