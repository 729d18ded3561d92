package dev.jfaas.gateway.system;

import dev.jfaas.gateway.entry.AsyncCalls;
import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.http.RequestBodies;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueuedCall;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /system/queues}: what waits where, and the dead letters of each queue. */
public final class QueuesApi {

    /** One queue with its totals and a line per function. */
    record QueueView(String name, long depth, long inFlight, long delayed, long dead, double oldestAgeSeconds,
            List<FunctionView> functions) {}

    /**
     * One function's calls in a queue.
     *
     * @param adaptiveLimit how many of its calls this gateway's workers send at once while it
     *     pushes back (429, or a 503 of its own); null while it does not
     */
    record FunctionView(String function, String namespace, long depth, long inFlight, long delayed, long dead,
            double oldestAgeSeconds, Integer adaptiveLimit) {
        static FunctionView of(QueueStats s, Map<FunctionName, Integer> adaptive) {
            return new FunctionView(s.function(), s.namespace(), s.depth(), s.inFlight(), s.delayed(), s.dead(),
                    s.oldestAgeSeconds(), adaptive.get(FunctionName.of(s.function(), s.namespace())));
        }
    }

    private final AsyncCalls async;
    private final Provider provider;

    public QueuesApi(AsyncCalls async, Provider provider) {
        this.async = async;
        this.provider = provider;
    }

    public void mount(Router router) {
        router.get("/system/queues").handler(this::list);
        router.get("/system/queues/:queue").handler(this::describe);
        router.post("/system/queues/:queue/dead-letters/replay").handler(this::replay);
        router.delete("/system/queues/:queue/dead-letters").handler(this::purge);
    }

    private void list(RoutingContext ctx) {
        stats(ctx).onSuccess(views -> Replies.json(ctx, 200, views.values()));
    }

    private void describe(RoutingContext ctx) {
        var name = ctx.pathParam("queue");
        stats(ctx).onSuccess(views -> {
            var view = views.get(name);
            if (view != null) {
                Replies.json(ctx, 200, view);
            } else if (named(name)) {
                Replies.json(ctx, 200, new QueueView(name, 0, 0, 0, 0, 0, List.of()));
            } else {
                Replies.error(ctx.request(), 404, "queue " + name + " not found: no function sends calls to it");
            }
        });
    }

    /** A queue exists while it is the default one or a function names it, empty or not. */
    private boolean named(String queue) {
        return queue.equals(QueuedCall.DEFAULT_QUEUE) || provider.list(null).stream()
                .anyMatch(f -> queue.equals(f.annotations().get(QueuedCall.QUEUE_ANNOTATION)));
    }

    private Future<Map<String, QueueView>> stats(RoutingContext ctx) {
        return Future.fromCompletionStage(async.queue().stats(), ctx.vertx().getOrCreateContext()).map(all -> {
            var byQueue = new LinkedHashMap<String, List<QueueStats>>();
            all.forEach(s -> byQueue.computeIfAbsent(s.queue(), q -> new ArrayList<>()).add(s));
            var views = new LinkedHashMap<String, QueueView>();
            var adaptive = async.adaptiveLimits().get();
            byQueue.forEach((queue, rows) -> views.put(queue, new QueueView(queue,
                    rows.stream().mapToLong(QueueStats::depth).sum(),
                    rows.stream().mapToLong(QueueStats::inFlight).sum(),
                    rows.stream().mapToLong(QueueStats::delayed).sum(),
                    rows.stream().mapToLong(QueueStats::dead).sum(),
                    rows.stream().mapToDouble(QueueStats::oldestAgeSeconds).max().orElse(0),
                    rows.stream().map(s -> FunctionView.of(s, adaptive)).toList())));
            return (Map<String, QueueView>) views;
        }).onFailure(e -> Replies.fail(ctx, e));
    }

    private void replay(RoutingContext ctx) {
        var queue = ctx.pathParam("queue");
        onDeadLetters(ctx, function -> async.queue().replayDeadLetters(queue, function), count -> {
            async.wakeWorker().accept(queue);
            Replies.json(ctx, 202, Map.of("replayed", count));
        });
    }

    private void purge(RoutingContext ctx) {
        onDeadLetters(ctx, function -> async.queue().purgeDeadLetters(ctx.pathParam("queue"), function),
                count -> Replies.json(ctx, 200, Map.of("purged", count)));
    }

    /** Runs a dead-letter operation for the {@code function} query parameter (all when absent). */
    private static void onDeadLetters(RoutingContext ctx,
            java.util.function.Function<FunctionName, java.util.concurrent.CompletionStage<Integer>> operation,
            java.util.function.Consumer<Integer> reply) {
        FunctionName function;
        try {
            function = function(ctx);
        } catch (RequestRejected e) {
            Replies.fail(ctx, e);
            return;
        }
        Future.fromCompletionStage(operation.apply(function), ctx.vertx().getOrCreateContext())
                .onSuccess(reply::accept)
                .onFailure(e -> Replies.fail(ctx, e));
    }

    private static FunctionName function(RoutingContext ctx) {
        var values = ctx.queryParam("function");
        return values.isEmpty() || values.getFirst().isEmpty() ? null
                : FunctionName.parse(values.getFirst(), RequestBodies.namespace(ctx));
    }
}
