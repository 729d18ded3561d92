package dev.jfaas.app;

import dev.jfaas.gateway.Gateway;
import dev.jfaas.gateway.GatewayConfig;
import dev.jfaas.gateway.api.ImagesApi;
import dev.jfaas.images.ImageStore;
import dev.jfaas.gateway.api.AsyncCalls;
import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.auth.Credentials;
import dev.jfaas.gateway.invoke.Admit;
import dev.jfaas.gateway.invoke.InvokePipeline;
import dev.jfaas.gateway.upstream.UpstreamClient;
import dev.jfaas.gateway.scaling.Autoscaler;
import dev.jfaas.gateway.scaling.LoadTracker;
import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.health.HealthChecks;
import dev.jfaas.triggers.Triggers;
import dev.jfaas.health.HealthChecks.Check;
import dev.jfaas.provider.Provider;
import dev.jfaas.provider.kubernetes.KubernetesProvider;
import dev.jfaas.provider.process.ProcessProvider;
import dev.jfaas.store.NamespaceStore;
import dev.jfaas.store.SecretStore;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallbackPolicy;
import dev.jfaas.queue.CallWaiters;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.sandbox.Sandbox;
import dev.jfaas.sandbox.SandboxSettings;
import dev.jfaas.store.sqlite.Durability;
import dev.jfaas.store.sqlite.SecretCipher;
import dev.jfaas.store.sqlite.SqliteStore;
import dev.jfaas.worker.WorkerSettings;
import dev.jfaas.worker.Workers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole jfaas on one machine, wired from configuration: the embedded SQLite store, the call
 * queue, the local process provider, the gateway and the async workers. What {@code jfaas up}
 * runs, and what the end-to-end tests start.
 */
public final class JfaasServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JfaasServer.class);

    private final Deque<AutoCloseable> parts;
    private final Gateway gateway;
    private final Credentials credentials;

    private JfaasServer(Deque<AutoCloseable> parts, Gateway gateway, Credentials credentials) {
        this.parts = parts;
        this.gateway = gateway;
        this.credentials = credentials;
    }

    public static JfaasServer start(Map<String, String> env) {
        var config = GatewayConfig.fromEnvironment(env);
        var durability = Durability.valueOf(env.getOrDefault("JFAAS_DURABILITY", "full").toUpperCase(Locale.ROOT));
        // Closed in reverse order of opening, also when start-up fails half way.
        var parts = new ArrayDeque<AutoCloseable>();
        try {
            DataDirectory.ownerOnly(config.dataDir());
            parts.push(DataDirectory.lock(config.dataDir()));
            var keyFile = env.containsKey("JFAAS_SECRETS_KEY_FILE") ? java.nio.file.Path.of(env.get("JFAAS_SECRETS_KEY_FILE"))
                    : config.dataDir().resolve("secrets.key");
            var store = SqliteStore.open(config.dataDir(), durability, SecretCipher.from(env.get("JFAAS_SECRETS_KEY"), keyFile));
            parts.push(store);
            var queue = QueueBackends.open(config.queue(), env, config.dataDir(), durability);
            parts.push(queue);
            var credentials = Credentials.resolve(config.secretMountPath(), config.basicAuthUser(),
                    config.basicAuthPassword(), config.dataDir());
            var sandboxSettings = SandboxSettings.fromEnvironment(env);
            var sandbox = Sandbox.open(sandboxSettings);
            // Callbacks go out as the gateway: never to its host's own services, nor to the replicas' pool.
            var callbacks = CallbackPolicy.of(env.get("JFAAS_CALLBACK_ALLOWED_HOSTS"),
                    sandboxSettings.network().equalsIgnoreCase("none") ? List.of() : List.of(sandboxSettings.network()));
            parts.push(sandbox);
            var images = new ImageStore(config.dataDir().resolve("images"), registryAuth(env));
            var gatewayId = DataDirectory.gatewayId(config.dataDir());
            // Where functions run: local sandboxed processes (the default), or a Kubernetes cluster.
            Provider provider;
            SecretStore secrets;
            NamespaceStore namespaces;
            Supplier<java.util.Set<String>> imagesInUse;
            String providerKind;
            // With several gateways on one cluster the autoscaler runs in the one holding a Lease.
            java.util.function.BooleanSupplier autoscaling = () -> true;
            var chosen = env.getOrDefault("JFAAS_PROVIDER", "process");
            if (chosen.equals("kubernetes")) {
                var kubernetes = KubernetesProvider.connect(env);
                parts.push(kubernetes);
                provider = kubernetes;
                secrets = kubernetes.secrets();
                namespaces = kubernetes.namespaces();
                if (config.autoscale()) {
                    var lease = kubernetes.autoscalerLease(env.getOrDefault("HOSTNAME", "gateway") + "-"
                            + gatewayId, Duration.ofSeconds(15));
                    parts.push(lease);
                    autoscaling = lease;
                }
                imagesInUse = java.util.Set::of; // the cluster's nodes pull and keep images
                providerKind = "kubernetes " + kubernetes.info().get("cluster");
                log.info("functions run on Kubernetes at {}", kubernetes.info().get("cluster"));
            } else if (chosen.equals("process")) {
                var local = new ProcessProvider(config.dataDir(), store, store, store, sandbox, images,
                        "strict".equalsIgnoreCase(env.getOrDefault("JFAAS_IMAGES", "")));
                parts.push(local);
                local.restore();
                provider = local;
                secrets = store;
                namespaces = store;
                imagesInUse = local::imagesInUse;
                providerKind = "process, sandbox " + local.info().getOrDefault("sandbox", "none");
            } else {
                throw new IllegalArgumentException("JFAAS_PROVIDER=" + chosen + ": use process (the default) or kubernetes");
            }
            var vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, config.eventLoops()))
                    .setPreferNativeTransport(true));
            parts.push(() -> vertx.close().toCompletionStage().toCompletableFuture().join());
            Supplier<List<QueueStats>> queueStats = QueueBackends.isBroker(config.queue())
                    ? new RecentQueueStats(queue, Duration.ofSeconds(1)) : () -> queue.load().join();
            var metrics = new GatewayMetrics(provider, queueStats);
            parts.push(metrics);
            var waiters = new CallWaiters();
            var admit = new Admit(vertx, config.gatewayMaxInflight(), config.gatewayMaxQueued(),
                    config.gatewayQueueTimeout(), metrics);
            var load = new LoadTracker();
            Workers workers = config.worker()
                    ? startWorkers(vertx, config, provider, new BasicAuth(credentials), callbacks, queue, metrics, load, admit, waiters)
                    : null;
            if (workers != null) {
                parts.push(workers);
            }
            Consumer<String> wake = workers == null ? q -> { } : workers::wake;
            Consumer<String> abort = workers == null ? id -> { } : workers::abort;
            var async = new AsyncCalls(queue, wake, abort, waiters, config.resultTtl(), QueueBackends.isBroker(config.queue()),
                    callbacks);
            forgetOldResults(vertx, queue, config.resultTtl());
            var triggers = Triggers.start(env.getOrDefault("JFAAS_TRIGGERS", ""), gatewayId,
                    provider, queue, wake, store.firings(), metrics.registry(), config.resultTtl());
            parts.push(triggers);
            if (config.autoscale()) {
                startAutoscaler(vertx, new Autoscaler(provider, load, queueStats,
                        config.autoscaleInterval(), config.scaleDownWindow()), autoscaling);
            }
            var health = new HealthChecks(List.of(new Check("store", "sqlite", store::problem),
                    new Check("queue", QueueBackends.kind(config.queue()), queue::problem),
                    new Check("provider", providerKind, Optional::empty)));
            var imagesApi = new ImagesApi(images, imagesInUse,
                    Long.parseLong(env.getOrDefault("JFAAS_MAX_IMAGE_SIZE", Long.toString(4L << 30))));
            var gateway = Gateway.start(vertx, config, credentials, triggers.around(provider), secrets, namespaces, async, metrics, admit,
                    load, health, imagesApi, triggers);
            parts.push(gateway);
            log.info("jfaas listening on port {}", gateway.port());
            return new JfaasServer(parts, gateway, credentials);
        } catch (RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    private static Workers startWorkers(Vertx vertx, GatewayConfig config, Provider provider, BasicAuth auth,
            CallbackPolicy callbacks, CallQueue queue,
            GatewayMetrics metrics, LoadTracker load, Admit admit, CallWaiters waiters) {
        var client = new UpstreamClient(vertx, UpstreamClient.Options.defaults());
        var pipeline = InvokePipeline.run(vertx, client, provider, auth, metrics, load, admit,
                config.scaleFromZeroTimeout());
        var settings = new WorkerSettings(config.queueMaxInflight(), config.leaseTime(), config.maxResultSize(),
                config.callbackAttempts(), config.callbackMinWait(), WorkerSettings.DEFAULT.idlePoll(), callbacks);
        return new Workers(vertx, queue, pipeline, new ProviderCatalog(provider), settings, waiters, metrics.registry(),
                config.eventLoops());
    }

    /** Ticks the autoscaler on a worker thread (it may wait on the store), one tick at a time. */
    private static void startAutoscaler(Vertx vertx, Autoscaler autoscaler, java.util.function.BooleanSupplier leading) {
        vertx.setPeriodic(autoscaler.interval().toMillis(), id -> vertx.executeBlocking(() -> {
            if (leading.getAsBoolean()) {
                autoscaler.tick();
            }
            return null;
        }, true).onFailure(e -> log.warn("autoscaler tick failed: {}", e.getMessage())));
    }

    /** Finished calls are kept for result_ttl, then forgotten; checked every minute (or tenth of the ttl). */
    private static void forgetOldResults(Vertx vertx, CallQueue queue, Duration ttl) {
        long every = Math.max(1000, Math.min(60_000, ttl.toMillis() / 10));
        vertx.setPeriodic(every, id -> queue.forgetFinishedBefore(Instant.now().minus(ttl)));
    }

    /** Registry credentials as Docker keeps them: JFAAS_REGISTRY_AUTH, $DOCKER_CONFIG/config.json, ~/.docker/config.json. */
    private static java.nio.file.Path registryAuth(Map<String, String> env) {
        if (env.containsKey("JFAAS_REGISTRY_AUTH")) {
            return java.nio.file.Path.of(env.get("JFAAS_REGISTRY_AUTH"));
        }
        var dockerConfig = env.get("DOCKER_CONFIG");
        return dockerConfig != null ? java.nio.file.Path.of(dockerConfig, "config.json")
                : java.nio.file.Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    public int port() {
        return gateway.port();
    }

    public Credentials credentials() {
        return credentials;
    }

    @Override
    public void close() {
        closeAll(parts);
    }

    private static void closeAll(Deque<AutoCloseable> parts) {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.getMessage());
            }
        }
    }
}
