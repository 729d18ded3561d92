package dev.jfaas.app;

import dev.jfaas.invoke.Pipeline;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallWaiters;
import dev.jfaas.worker.WorkerSettings;
import dev.jfaas.worker.Workers;
import dev.jfaas.worker.remote.GatewayAddress;
import dev.jfaas.worker.remote.GatewayCatalog;
import dev.jfaas.worker.remote.GatewayInvoke;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

    private StandaloneWorker(Vertx vertx, Workers workers, CallQueue queue) {
        this.vertx = vertx;
        this.workers = workers;
        this.queue = queue;
    }

    static StandaloneWorker start(CallQueue queue, GatewayAddress gateway, Set<String> queues, WorkerSettings settings,
            int lanes) {
        var vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(lanes).setPreferNativeTransport(true));
        var client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(Math.max(8, settings.concurrency() * queues.size())));
        var catalog = new GatewayCatalog(vertx, client, gateway, queues, Duration.ofSeconds(5));
        var pipeline = Pipeline.of(new GatewayInvoke(client, gateway));
        var workers = new Workers(vertx, queue, pipeline, catalog, settings, new CallWaiters(), new SimpleMeterRegistry(),
                lanes);
        return new StandaloneWorker(vertx, workers, queue);
    }

    @Override
    public void close() {
        workers.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        queue.close();
    }
}
