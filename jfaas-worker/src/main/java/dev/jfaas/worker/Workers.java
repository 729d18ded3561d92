package dev.jfaas.worker;

import dev.jfaas.invoke.Pipeline;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallWaiters;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The async workers of one process: one {@link QueueWorker} per named queue any function uses,
 * each with its own concurrency so a slow queue cannot starve the others. New queues are picked
 * up as functions are deployed.
 */
public final class Workers implements AutoCloseable {

    private final Vertx vertx;
    private final Context context;
    private final CallQueue queue;
    private final Pipeline pipeline;
    private final FunctionCatalog catalog;
    private final WorkerSettings settings;
    private final CallbackSender callbacks;
    private final CallWaiters waiters;
    private final WorkerMetrics metrics;
    private final Map<String, QueueWorker> byQueue = new ConcurrentHashMap<>();
    private final long discoveryTimer;

    public Workers(Vertx vertx, CallQueue queue, Pipeline pipeline, FunctionCatalog catalog, WorkerSettings settings,
            CallWaiters waiters, MeterRegistry registry) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.queue = queue;
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.settings = settings;
        this.waiters = waiters;
        this.metrics = new WorkerMetrics(registry);
        var client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(64));
        this.callbacks = new CallbackSender(vertx, client, settings.callbackAttempts(), settings.callbackMinWait());
        discover();
        this.discoveryTimer = vertx.setPeriodic(Duration.ofSeconds(1).toMillis(), id -> discover());
    }

    private void discover() {
        for (var name : catalog.queues()) {
            worker(name);
        }
    }

    private QueueWorker worker(String name) {
        return byQueue.computeIfAbsent(name, n -> {
            var worker = new QueueWorker(n, vertx, context, queue, pipeline, catalog, settings, callbacks, waiters,
                    metrics, Clock.systemUTC());
            worker.wake();
            return worker;
        });
    }

    /** New work in {@code queueName}: look now rather than at the next poll. */
    public void wake(String queueName) {
        worker(queueName).wake();
    }

    @Override
    public void close() {
        vertx.cancelTimer(discoveryTimer);
        byQueue.values().forEach(QueueWorker::stop);
    }
}
