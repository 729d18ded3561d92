package dev.jfaas.worker;

import dev.jfaas.invoke.Pipeline;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallWaiters;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import dev.jfaas.eventloop.EventLoopContexts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The async workers of one process: one {@link QueueWorker} per named queue any function uses,
 * each with its own concurrency so a slow queue cannot starve the others. New queues are picked
 * up as functions are deployed.
 */
public final class Workers implements AutoCloseable {

    private final Vertx vertx;
    private final FunctionCatalog catalog;
    private final WorkerSettings settings;
    private final WorkerParts parts;
    private final Map<String, List<QueueWorker>> byQueue = new ConcurrentHashMap<>();
    private final int lanes;
    private final List<Context> laneContexts;
    private final long discoveryTimer;
    private final AutoCloseable arrivals;

    /** @param lanes event loops each queue is drained on (one worker per loop, sharing the queue's concurrency) */
    public Workers(Vertx vertx, CallQueue queue, Pipeline pipeline, FunctionCatalog catalog, WorkerSettings settings,
            CallWaiters waiters, MeterRegistry registry, int lanes) {
        this.vertx = vertx;
        this.lanes = Math.max(1, lanes);
        this.laneContexts = EventLoopContexts.spread(vertx, this.lanes);
        this.catalog = catalog;
        this.settings = settings;
        var client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(64));
        var callbacks = new CallbackSender(vertx, client, settings.callbackAttempts(), settings.callbackMinWait(),
                settings.callbacks());
        this.parts = new WorkerParts(vertx, queue, pipeline, catalog, new FunctionSlots(catalog), BodyBudget.ofHeap(), callbacks, waiters,
                new WorkerMetrics(registry), Clock.systemUTC());
        discover();
        this.discoveryTimer = vertx.setPeriodic(Duration.ofSeconds(1).toMillis(), id -> discover());
        this.arrivals = queue.onArrival(this::wakeIfDraining);
    }

    private void discover() {
        for (var name : catalog.queues()) {
            worker(name);
        }
    }

    private List<QueueWorker> worker(String name) {
        return byQueue.computeIfAbsent(name, n -> {
            var workers = new ArrayList<QueueWorker>();
            for (int lane = 0; lane < laneContexts.size(); lane++) {
                var perLane = settings.withConcurrency(laneShare(settings.concurrency(), lanes, lane));
                var worker = new QueueWorker(n, laneContexts.get(lane), perLane, parts);
                worker.wake();
                workers.add(worker);
            }
            return List.copyOf(workers);
        });
    }

    /**
     * Lane {@code lane}'s part of a queue's concurrency: the parts add up to it exactly (rounding
     * each up ran 4 calls of a queue limited to 3 on two lanes); a lane whose part is 0 leases nothing.
     */
    static int laneShare(int concurrency, int lanes, int lane) {
        return concurrency / lanes + (lane < concurrency % lanes ? 1 : 0);
    }

    /** New work in {@code queueName}: look now rather than at the next poll. */
    public void wake(String queueName) {
        worker(queueName).forEach(QueueWorker::wake);
    }

    /** As {@link #wake}, for a queue these workers already drain; others are not started for it. */
    public void wakeIfDraining(String queueName) {
        var lanes = byQueue.get(queueName);
        if (lanes != null) {
            lanes.forEach(QueueWorker::wake);
        }
    }

    /** A call was cancelled: stop it now if one of these workers runs it. */
    /**
     * Functions whose calls these workers hold back because they pushed back (429, or a 503 of
     * their own), and how many of each may run at once now.
     */
    public java.util.Map<dev.jfaas.function.FunctionName, Integer> adaptiveLimits() {
        return parts.slots().adaptiveLimits();
    }

    public void abort(String callId) {
        byQueue.values().forEach(lanes -> lanes.forEach(worker -> worker.abort(callId)));
    }

    @Override
    public void close() {
        try {
            arrivals.close();
        } catch (Exception e) {
            // only a hint stops
        }
        vertx.cancelTimer(discoveryTimer);
        byQueue.values().forEach(lanes -> lanes.forEach(QueueWorker::stop));
    }
}
