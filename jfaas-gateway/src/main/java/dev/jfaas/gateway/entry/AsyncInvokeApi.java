package dev.jfaas.gateway.entry;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.gateway.http.Framing;
import dev.jfaas.gateway.http.HeaderNames;
import dev.jfaas.gateway.http.LimitedReadStream;
import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.invoke.Enqueue;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.CallIds;
import dev.jfaas.invoke.Cancellation;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Pipeline;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous edge: {@code POST /async-function/{name}[.{ns}][/{path}]}, or a sync route with
 * {@code X-Invoke-Mode: async} or {@code Prefer: respond-async}. Answers 202 with the call id only
 * once the call is stored; with {@code Prefer: respond-async, wait=N} it holds the connection up
 * to N seconds and answers like a sync call if the call ends in time.
 * {@code DELETE /async-function/{callId}} cancels a call.
 */
public final class AsyncInvokeApi implements Handler<HttpServerRequest> {

    public static final String PREFIX = "/async-function/";
    private static final Logger log = LoggerFactory.getLogger(AsyncInvokeApi.class);
    private static final Pattern WAIT = Pattern.compile("wait\\s*=\\s*(\\d+)");
    private static final int MAX_WAIT_SECONDS = 300;

    private final Pipeline accept;
    private final AsyncCalls async;
    private final long maxBodySize;

    /** @param accept the accept chain (InvokePipeline.accept): resolve, authorize, enqueue */
    public AsyncInvokeApi(Pipeline accept, AsyncCalls async, long maxBodySize) {
        this.accept = accept;
        this.async = async;
        this.maxBodySize = maxBodySize;
    }

    static boolean asksForAsync(HttpServerRequest request) {
        var mode = request.getHeader(HeaderNames.INVOKE_MODE);
        if (mode != null && mode.equalsIgnoreCase("async")) {
            return true;
        }
        var prefer = request.getHeader(HeaderNames.PREFER);
        return prefer != null && prefer.toLowerCase(Locale.ROOT).contains("respond-async");
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.POST) {
            accept(request, PREFIX);
        } else if (request.method() == HttpMethod.DELETE) {
            cancel(request);
        } else {
            request.response().putHeader("Allow", "POST, DELETE");
            reject(request, 405, "use POST to call a function asynchronously, or DELETE /async-function/{callId} to cancel a call");
        }
    }

    /**
     * Accepts a call made at {@code prefix + name[/path]}: the edge parses what only HTTP knows
     * (the name, the call id, how to answer) and hands the call to the accept chain, which looks
     * the function up, authorizes it and stores it.
     */
    void accept(HttpServerRequest request, String prefix) {
        request.pause();
        long startNanos = ForwardedHeaders.nowNanos();
        var target = FunctionPath.of(request.path(), prefix);
        FunctionName function;
        try {
            function = target.function();
        } catch (RequestRejected invalidName) {
            reject(request, 404, "error finding function " + target.qualified());
            return;
        }
        var length = request.getHeader("Content-Length");
        if (length != null && Framing.contentLength(length) > maxBodySize) {
            Replies.result(request, Enqueue.tooLarge(maxBodySize));
            request.resume();
            return;
        }
        var waitSeconds = waitSeconds(request.getHeader("Prefer"));
        var callerId = request.getHeader(HeaderNames.CALL_ID);
        var callId = callerId == null || callerId.isBlank() ? CallIds.next() : callerId;
        var call = new Invocation(callId, function, request.method(), target.path(), request.query() == null ? "" : request.query(),
                ForwardedHeaders.of(request, callId, Long.toString(startNanos)), new Body.Stream(new LimitedReadStream(request, Long.MAX_VALUE)), startNanos, null, new Cancellation());
        var context = Vertx.currentContext();
        accept.run(call).onComplete(done -> {
            if (done.failed()) {
                log.error("accepting call {} to {} failed inside the gateway", callId, function, done.cause());
                reject(request, 500, "internal error: " + done.cause().getMessage());
                return;
            }
            var result = done.result();
            var accepted = result.headers().get(HeaderNames.CALL_ID);
            if (result.status() == 202 && waitSeconds != null && accepted != null) {
                awaitResult(request, accepted, waitSeconds, context);
                return;
            }
            Replies.result(request, result);
            request.resume();
        });
    }

    private static void accepted(HttpServerRequest request, String callId) {
        request.response().setStatusCode(202)
                .putHeader(HeaderNames.CALL_ID, callId)
                .putHeader("Location", "/system/calls/" + callId)
                .end();
    }

    private static final long RESULT_POLL_MS = 250;

    private void awaitResult(HttpServerRequest request, String callId, int seconds, Context context) {
        var waiter = async.waiters().whenFinished(callId);
        if (async.shared()) {
            // A worker in another process does not tell this one: look now and then too.
            long poll = context.owner().setPeriodic(RESULT_POLL_MS, id -> async.queue().result(callId).thenAccept(result -> {
                if (result.isPresent()) {
                    waiter.complete(null);
                }
            }));
            waiter.whenComplete((x, e) -> context.owner().cancelTimer(poll));
        }
        var finished = waiter.orTimeout(seconds, TimeUnit.SECONDS);
        here(finished, context).transform(x -> here(async.queue().result(callId), context)).onComplete(result -> {
            async.waiters().forget(callId, waiter);
            if (result.succeeded() && result.result().isPresent()) {
                Replies.callResponse(request.response(), callId, result.result().get());
            } else {
                accepted(request, callId);
            }
        });
    }

    private void cancel(HttpServerRequest request) {
        var callId = request.path().substring(PREFIX.length());
        var context = Vertx.currentContext();
        here(async.queue().cancel(callId), context).compose(cancelled -> cancelled
                ? Future.succeededFuture(202)
                : here(async.queue().record(callId), context).map(r -> r.isPresent() ? 409 : 404))
                .onComplete(done -> {
                    if (done.failed()) {
                        reject(request, 503, "cannot reach the queue: " + done.cause().getMessage());
                    } else if (done.result() == 202) {
                        async.abortRunning().accept(callId);
                        request.response().setStatusCode(202).putHeader(HeaderNames.CALL_ID, callId).end();
                    } else if (done.result() == 409) {
                        reject(request, 409, "call " + callId + " has already finished");
                    } else {
                        reject(request, 404, "call " + callId + " not found");
                    }
                });
    }

    private static <T> Future<T> here(CompletionStage<T> stage, Context context) {
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }

    static Integer waitSeconds(String prefer) {
        if (prefer == null) {
            return null;
        }
        var m = WAIT.matcher(prefer.toLowerCase(Locale.ROOT));
        if (!m.find()) {
            return null;
        }
        var digits = m.group(1);
        return digits.length() > 4 ? MAX_WAIT_SECONDS : Math.min(MAX_WAIT_SECONDS, Integer.parseInt(digits));
    }

    private static void reject(HttpServerRequest request, int status, String message) {
        Replies.error(request, status, message);
        request.resume();
    }
}
