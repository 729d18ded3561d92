package dev.jfaas.gateway.system;

import dev.jfaas.gateway.entry.AsyncCalls;
import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.http.RequestBodies;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.queue.CallFilter;
import dev.jfaas.queue.CallStatus;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** {@code /system/calls}: call records, results by call id, dead letters' requests, and replay of one call. */
public final class CallsApi {

    private static final int MAX_LIMIT = 10_000;

    private final AsyncCalls async;

    public CallsApi(AsyncCalls async) {
        this.async = async;
    }

    public void mount(Router router) {
        router.get("/system/calls").handler(this::list);
        router.get("/system/calls/:id").handler(this::describe);
        router.get("/system/calls/:id/result").handler(this::result);
        router.get("/system/calls/:id/request").handler(this::request);
        router.post("/system/calls/:id/replay").handler(this::replay);
    }

    /** A dead or failed call's request, for a person to see what failed: headers and the start of the body. */
    private void request(RoutingContext ctx) {
        var id = ctx.pathParam("id");
        Future.fromCompletionStage(async.queue().deadLetter(id), ctx.vertx().getOrCreateContext())
                .onSuccess(call -> call.ifPresentOrElse(c -> Replies.json(ctx, 200, DeadLetterView.of(c)),
                        () -> Replies.error(ctx.request(), 404, "call " + id + " is not a dead letter or failed call")))
                .onFailure(e -> Replies.fail(ctx, e));
    }

    private void list(RoutingContext ctx) {
        CallFilter filter;
        try {
            var function = single(ctx, "function");
            var status = single(ctx, "status");
            filter = new CallFilter(
                    function == null ? null : FunctionName.parse(function, RequestBodies.namespace(ctx)),
                    status == null ? null : status(status),
                    single(ctx, "queue"),
                    limit(single(ctx, "limit")));
        } catch (RequestRejected e) {
            Replies.fail(ctx, e);
            return;
        }
        Future.fromCompletionStage(async.queue().records(filter), ctx.vertx().getOrCreateContext())
                .onSuccess(records -> Replies.json(ctx, 200, records))
                .onFailure(e -> Replies.fail(ctx, e));
    }

    private void describe(RoutingContext ctx) {
        var id = ctx.pathParam("id");
        Future.fromCompletionStage(async.queue().record(id), ctx.vertx().getOrCreateContext())
                .onSuccess(record -> record.ifPresentOrElse(r -> Replies.json(ctx, 200, r),
                        () -> Replies.error(ctx.request(), 404, "call " + id + " not found")))
                .onFailure(e -> Replies.fail(ctx, e));
    }

    /** While the call is waiting or running: 202 with Retry-After. Then the function's answer as it gave it. */
    private void result(RoutingContext ctx) {
        var id = ctx.pathParam("id");
        var context = ctx.vertx().getOrCreateContext();
        Future.fromCompletionStage(async.queue().record(id), context).onSuccess(record -> {
            if (record.isEmpty()) {
                Replies.error(ctx.request(), 404, "call " + id + " not found");
                return;
            }
            if (!record.get().status().isFinal()) {
                ctx.response().setStatusCode(202).putHeader("Retry-After", "1").putHeader("X-Call-Id", id)
                        .putHeader("Content-Type", "application/json");
                Replies.json(ctx, 202, Map.of("callId", id, "status", record.get().status()));
                return;
            }
            Future.fromCompletionStage(async.queue().result(id), context).onSuccess(result -> {
                if (result.isEmpty()) {
                    Replies.error(ctx.request(), 404, "call " + id + " has no result: it ended " + record.get().status().wire());
                    return;
                }
                Replies.callResponse(ctx.response(), id, result.get());
            }).onFailure(e -> Replies.fail(ctx, e));
        }).onFailure(e -> Replies.fail(ctx, e));
    }

    private void replay(RoutingContext ctx) {
        var id = ctx.pathParam("id");
        var context = ctx.vertx().getOrCreateContext();
        Future.fromCompletionStage(async.queue().replay(id), context).onSuccess(replayed -> {
            if (replayed) {
                Future.fromCompletionStage(async.queue().record(id), context).onSuccess(r ->
                        r.ifPresent(record -> async.wakeWorker().accept(record.queue())));
                Replies.json(ctx, 202, Map.of("replayed", 1));
            } else {
                Future.fromCompletionStage(async.queue().record(id), context).onSuccess(r -> {
                    if (r.isEmpty()) {
                        Replies.error(ctx.request(), 404, "call " + id + " not found");
                    } else {
                        Replies.error(ctx.request(), 409, "call " + id + " is " + r.get().status().wire()
                                + "; only dead or failed calls can be replayed");
                    }
                });
            }
        }).onFailure(e -> Replies.fail(ctx, e));
    }

    private static String single(RoutingContext ctx, String key) {
        List<String> values = ctx.queryParam(key);
        return values.isEmpty() || values.getFirst().isEmpty() ? null : values.getFirst();
    }

    private static CallStatus status(String text) {
        try {
            return CallStatus.parse(text);
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid("invalid status \"" + text
                    + "\": use queued, running, retrying, succeeded, failed, dead or cancelled");
        }
    }

    private static int limit(String text) {
        if (text == null) {
            return 100;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid limit \"" + text + "\": use 1 to " + MAX_LIMIT);
    }
}
