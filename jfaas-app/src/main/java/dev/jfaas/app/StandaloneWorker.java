package dev.jfaas.app;

import dev.jfaas.invoke.Pipeline;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallWaiters;
import dev.jfaas.worker.WorkerSettings;
import dev.jfaas.worker.Workers;
import dev.jfaas.worker.remote.GatewayAddress;
import dev.jfaas.worker.remote.GatewayCatalog;
import dev.jfaas.worker.remote.GatewayInvoke;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.Set;

/**
 * {@code jfaas worker}: drains named queues of a shared broker and runs each call through a
 * gateway, like the OpenFaaS queue-worker. Any number of these, on any machines, share the work.
 */
final class StandaloneWorker implements AutoCloseable {

    private final Vertx vertx;
    private final Workers workers;
    private final CallQueue queue;
    private final int metricsPort;

    private StandaloneWorker(Vertx vertx, Workers workers, CallQueue queue, int metricsPort) {
        this.vertx = vertx;
        this.workers = workers;
        this.queue = queue;
        this.metricsPort = metricsPort;
    }

    /** @param metricsPort where to serve {@code /metrics} and {@code /healthz}; -1 for nowhere, 0 for any free port */
    static StandaloneWorker start(CallQueue queue, GatewayAddress gateway, Set<String> queues, WorkerSettings settings,
            int lanes, int metricsPort) {
        var vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(lanes).setPreferNativeTransport(true));
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        var client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(Math.max(8, settings.concurrency() * queues.size())));
        var catalog = new GatewayCatalog(vertx, client, gateway, queues, Duration.ofSeconds(5));
        var pipeline = Pipeline.of(new GatewayInvoke(client, gateway));
        var workers = new Workers(vertx, queue, pipeline, catalog, settings, new CallWaiters(), registry, lanes);
        int port = metricsPort < 0 ? -1 : serveMetrics(vertx, registry, metricsPort);
        return new StandaloneWorker(vertx, workers, queue, port);
    }

    /** Prometheus text at /metrics (the jfaas_async_* meters of SPEC §9 and the JVM's), 200 at /healthz. */
    private static int serveMetrics(Vertx vertx, PrometheusMeterRegistry registry, int port) {
        return vertx.createHttpServer().requestHandler(request -> {
            switch (request.path()) {
                case "/metrics" -> request.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(registry.scrape());
                case "/healthz" -> request.response().end("OK");
                default -> request.response().setStatusCode(404).end("not found: try /metrics or /healthz");
            }
        }).listen(port).toCompletionStage().toCompletableFuture().join().actualPort();
    }

    /** The port /metrics is served on, -1 if none. */
    int metricsPort() {
        return metricsPort;
    }

    @Override
    public void close() {
        workers.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        queue.close();
    }
}
