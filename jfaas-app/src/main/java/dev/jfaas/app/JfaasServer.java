package dev.jfaas.app;

import dev.jfaas.gateway.Gateway;
import dev.jfaas.gateway.GatewayConfig;
import dev.jfaas.gateway.system.ImagesApi;
import dev.jfaas.images.ImageSettings;
import dev.jfaas.images.ImageStore;
import dev.jfaas.gateway.entry.AsyncCalls;
import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.auth.Credentials;
import dev.jfaas.gateway.entry.TriggerEntry;
import dev.jfaas.gateway.invoke.Admit;
import dev.jfaas.gateway.invoke.ReceivedBodies;
import dev.jfaas.gateway.invoke.Enqueue;
import dev.jfaas.gateway.invoke.HeldBodies;
import dev.jfaas.gateway.invoke.InvokePipeline;
import dev.jfaas.gateway.upstream.UpstreamClient;
import dev.jfaas.gateway.scaling.Autoscaler;
import dev.jfaas.gateway.scaling.AutoscalerSettings;
import dev.jfaas.gateway.scaling.LoadTracker;
import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.gateway.metrics.OverviewHistory;
import dev.jfaas.health.HealthChecks;
import dev.jfaas.triggers.Triggers;
import dev.jfaas.triggers.topics.Brokers;
import dev.jfaas.settings.Settings;
import dev.jfaas.store.sqlite.LostFiles;
import dev.jfaas.store.sqlite.StoreSettings;
import dev.jfaas.health.HealthChecks.Check;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallWaiters;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.sandbox.Sandbox;
import dev.jfaas.sandbox.SandboxSettings;
import dev.jfaas.store.sqlite.SqliteStore;
import dev.jfaas.worker.WorkerSettings;
import dev.jfaas.worker.Workers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
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

    /** A jfaas from these variables alone (tests): as {@link #start(Settings)} with {@code Settings.of(env)}. */
    public static JfaasServer start(Map<String, String> env) {
        return start(Settings.of(env));
    }

    /**
     * Starts every part. Every setting is checked first, so a bad one stops the start with a line
     * for each mistake before anything is opened.
     */
    public static JfaasServer start(Settings settings) {
        for (var warning : SettingsCatalog.check(settings)) {
            log.warn(warning);
        }
        var config = GatewayConfig.from(settings);
        Gateway.checkPortFree(config.port());
        var store = StoreSettings.from(settings);
        var queueSettings = QueueSettings.from(settings);
        var sandboxSettings = SandboxSettings.from(settings);
        var autoscaler = AutoscalerSettings.from(settings);
        var dataDir = store.dataDir();
        // Closed in reverse order of opening, also when start-up fails half way.
        var parts = new ArrayDeque<AutoCloseable>();
        try {
            LostFiles.before(dataDir, queueSettings.queue().equals("embedded")).forEach(log::error);
            DataDirectory.ownerOnly(dataDir);
            parts.push(DataDirectory.lock(dataDir));
            var sqlite = SqliteStore.open(dataDir, store.durability(), store.cipher());
            parts.push(sqlite);
            var queue = QueueBackends.open(queueSettings, store);
            parts.push(queue);
            var credentials = Credentials.resolve(config.secretMountPath(), config.basicAuthUser(),
                    config.basicAuthPassword(), dataDir);
            var sandbox = Sandbox.open(sandboxSettings);
            parts.push(sandbox);
            // Callbacks go out as the gateway: never to its host's own services, nor to the replicas' pool.
            var replicaNetworks = sandboxSettings.network().equalsIgnoreCase("none") ? List.<String>of()
                    : List.of(sandboxSettings.network());
            var workerSettings = WorkerSettings.from(settings, replicaNetworks);
            var imageSettings = ImageSettings.from(settings);
            var images = imageSettings.open(dataDir.resolve("images"));
            var gatewayId = DataDirectory.gatewayId(dataDir);
            var functions = FunctionProviders.open(settings, dataDir, sqlite, sandbox, images, autoscaler.enabled(),
                    gatewayId, parts);
            var provider = functions.provider();
            var vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, config.eventLoops()))
                    .setPreferNativeTransport(true));
            parts.push(() -> vertx.close().toCompletionStage().toCompletableFuture().join());
            Supplier<List<QueueStats>> queueStats = queueSettings.onBroker()
                    ? new RecentQueueStats(queue, Duration.ofSeconds(1)) : () -> queue.load().join();
            var metrics = new GatewayMetrics(provider, queueStats);
            parts.push(metrics);
            var waiters = new CallWaiters();
            var admit = new Admit(vertx, config.gatewayMaxInflight(), config.gatewayMaxQueued(),
                    config.gatewayQueueTimeout(), metrics);
            var load = new LoadTracker();
            var auth = new BasicAuth(credentials);
            Workers workers = settings.get(WorkerSettings.IN_GATEWAY)
                    ? startWorkers(vertx, config, workerSettings, provider, auth, queue, metrics, load,
                            admit, waiters)
                    : null;
            if (workers != null) {
                parts.push(workers);
            }
            Consumer<String> wake = workers == null ? q -> { } : workers::wake;
            Consumer<String> abort = workers == null ? id -> { } : workers::abort;
            var heldBodies = HeldBodies.ofHeap();
            var async = new AsyncCalls(queue, wake, abort, waiters, queueSettings.resultTtl(), queueSettings.onBroker(),
                    workerSettings.callbacks(), heldBodies, workers == null ? Map::of : workers::adaptiveLimits);
            forgetOldResults(vertx, queue, queueSettings.resultTtl());
            // the overview's last hour, sampled off the event loop (the queue's counts may be asked of the store)
            vertx.setPeriodic(OverviewHistory.EVERY.toMillis(), id -> vertx.executeBlocking(() -> {
                metrics.sampleHistory();
                return null;
            }, false));
            var events = new TriggerEntry(vertx, InvokePipeline.trigger(provider, auth,
                    new Enqueue(queue, config.maxAsyncBodySize(), wake, workerSettings.callbacks(), heldBodies)));
            var triggers = Triggers.start(settings.get(Brokers.SETTING), gatewayId,
                    provider, queue, events, sqlite.firings(), metrics.registry(), queueSettings.resultTtl());
            parts.push(triggers);
            if (autoscaler.enabled()) {
                startAutoscaler(vertx, new Autoscaler(provider, load, queueStats,
                        autoscaler.interval(), autoscaler.scaleDownWindow()), functions.autoscaling());
            }
            var health = new HealthChecks(List.of(new Check("store", "sqlite", sqlite::problem),
                    new Check("queue", queueSettings.kind(), queue::problem),
                    new Check("provider", functions.kind(), Optional::empty)));
            var imagesApi = new ImagesApi(images, functions.imagesInUse(), imageSettings.maxImageSize());
            var bodies = ReceivedBodies.in(dataDir.resolve("spool"), config.spoolSize());
            var gateway = Gateway.start(vertx, config, credentials, triggers.around(provider), functions.secrets(),
                    functions.namespaces(), async, metrics, admit, bodies, load, health, imagesApi, triggers);
            parts.push(gateway);
            log.info("jfaas listening on port {}", gateway.port());
            return new JfaasServer(parts, gateway, credentials);
        } catch (RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    private static Workers startWorkers(Vertx vertx, GatewayConfig config, WorkerSettings settings, Provider provider,
            BasicAuth auth, CallQueue queue, GatewayMetrics metrics, LoadTracker load, Admit admit, CallWaiters waiters) {
        var client = new UpstreamClient(vertx, UpstreamClient.Options.defaults());
        var pipeline = InvokePipeline.run(vertx, client, provider, auth, metrics, load, admit,
                config.scaleFromZeroTimeout());
        return new Workers(vertx, queue, pipeline, new ProviderCatalog(provider), settings, waiters, metrics.registry(),
                config.eventLoops());
    }

    /** Ticks the autoscaler on a worker thread (it may wait on the store), one tick at a time. */
    private static void startAutoscaler(Vertx vertx, Autoscaler autoscaler, java.util.function.BooleanSupplier leading) {
        vertx.setPeriodic(autoscaler.interval().toMillis(), id -> {
            try {
                vertx.executeBlocking(() -> {
                    if (leading.getAsBoolean()) {
                        autoscaler.tick();
                    }
                    return null;
                }, true).onFailure(e -> log.warn("autoscaler tick failed: {}", e.getMessage()));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                vertx.cancelTimer(id); // the gateway is stopping: its worker pool is gone
            }
        });
    }

    /** Finished calls are kept for result_ttl, then forgotten; checked every minute (or tenth of the ttl). */
    private static void forgetOldResults(Vertx vertx, CallQueue queue, Duration ttl) {
        long every = Math.max(1000, Math.min(60_000, ttl.toMillis() / 10));
        vertx.setPeriodic(every, id -> queue.forgetFinishedBefore(Instant.now().minus(ttl)));
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
