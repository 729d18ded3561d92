package dev.jfaas.gateway.api;

import dev.jfaas.function.RequestRejected;
import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.invoke.Authorize;
import dev.jfaas.invoke.CallIds;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.QueuedCall;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
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

    private final Provider provider;
    private final BasicAuth auth;
    private final AsyncCalls async;
    private final long maxBodySize;

    public AsyncInvokeApi(Provider provider, BasicAuth auth, AsyncCalls async, long maxBodySize) {
        this.provider = provider;
        this.auth = auth;
        this.async = async;
        this.maxBodySize = maxBodySize;
    }

    static boolean asksForAsync(HttpServerRequest request) {
        var mode = request.getHeader("X-Invoke-Mode");
        if (mode != null && mode.equalsIgnoreCase("async")) {
            return true;
        }
        var prefer = request.getHeader("Prefer");
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

    /** Accepts a call made at {@code prefix + name[/path]}. */
    void accept(HttpServerRequest request, String prefix) {
        request.pause();
        long startNanos = ForwardedHeaders.nowNanos();
        var target = FunctionPath.of(request.path(), prefix);
        var qualified = target.qualified();
        var path = target.path();
        DeployedFunction function;
        String callbackUrl;
        int priority;
        Integer waitSeconds;
        var found = findFunction(target);
        if (found == null) {
            reject(request, 404, "error finding function " + qualified);
            return;
        }
        function = found;
        try {
            callbackUrl = callbackUrl(request.getHeader("X-Callback-Url"));
            priority = priority(request.getHeader("X-Priority"));
            waitSeconds = waitSeconds(request.getHeader("Prefer"));
        } catch (RequestRejected e) {
            reject(request, e.status(), e.getMessage());
            return;
        }
        if ("basic".equals(function.deployment().annotations().get(Authorize.ANNOTATION))
                && !auth.allows(request.getHeader("Authorization"))) {
            request.response().putHeader("WWW-Authenticate", BasicAuth.CHALLENGE);
            reject(request, 401, BasicAuth.FAILURE);
            return;
        }
        var length = request.getHeader("Content-Length");
        if (length != null && InvokeApi.parseLength(length) > maxBodySize) {
            request.response().putHeader(InvocationResult.INTERNAL_HEADER, "limits");
            reject(request, 413, "request body is larger than " + maxBodySize + " bytes, the most an async call may carry (JFAAS_MAX_ASYNC_BODY_SIZE)");
            return;
        }
        var context = Vertx.currentContext();
        var fn = function;
        readBody(request).onComplete(body -> {
            if (body.failed() && body.cause() instanceof TooLarge) {
                request.response().putHeader(InvocationResult.INTERNAL_HEADER, "limits");
                reject(request, 413, "request body is larger than " + maxBodySize + " bytes, the most an async call may carry (JFAAS_MAX_ASYNC_BODY_SIZE)");
                return;
            }
            if (body.failed()) {
                return; // the caller went away (or was cut off) before its body arrived: nobody to answer
            }
            var callerId = request.getHeader("X-Call-Id");
            var callId = callerId == null || callerId.isBlank() ? CallIds.next() : callerId;
            var headers = new ArrayList<Header>();
            ForwardedHeaders.of(request, callId, startNanos).forEach(h -> {
                if (!h.getKey().equalsIgnoreCase("Prefer") && !h.getKey().equalsIgnoreCase("X-Invoke-Mode")) {
                    headers.add(new Header(h.getKey(), h.getValue()));
                }
            });
            var annotations = fn.deployment().annotations();
            var queueName = annotations.getOrDefault(QueuedCall.QUEUE_ANNOTATION, QueuedCall.DEFAULT_QUEUE);
            var call = new QueuedCall(callId, fn.name(), queueName, priority, request.method().name(), path,
                    request.query() == null ? "" : request.query(), headers, body.result().getBytes(), callbackUrl,
                    request.getHeader("X-Idempotency-Key"), Instant.now(), fn.retryPolicy().maxAttempts());
            enqueue(call, context).onComplete(done -> {
                if (done.failed()) {
                    // Per call at debug: an outage would log thousands of these; the queue logs the outage itself.
                    log.debug("could not accept an async call to {}: {}", fn.name(), done.cause().getMessage());
                    request.response().putHeader("Retry-After", "5").putHeader(InvocationResult.INTERNAL_HEADER, "queue");
                    reject(request, 503, "the queue cannot take the call now: " + done.cause().getMessage());
                    return;
                }
                var accepted = done.result();
                async.wakeWorker().accept(queueName);
                if (waitSeconds == null) {
                    accepted(request, accepted.callId());
                } else {
                    awaitResult(request, accepted.callId(), waitSeconds, context);
                }
            });
        });
    }

    private DeployedFunction findFunction(FunctionPath target) {
        try {
            return provider.find(target.function()).orElse(null);
        } catch (RequestRejected invalidName) {
            return null; // no function can have an invalid name
        }
    }

    /** Stores the call; a caller's id that is taken already gives way to a fresh one. */
    private Future<Accepted> enqueue(QueuedCall call, Context context) {
        return here(async.queue().enqueue(call), context).compose(accepted -> accepted.kind() == Accepted.Kind.ID_TAKEN
                ? enqueue(call.withCallId(CallIds.next()), context)
                : Future.succeededFuture(accepted));
    }

    private static void accepted(HttpServerRequest request, String callId) {
        request.response().setStatusCode(202)
                .putHeader("X-Call-Id", callId)
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
                        request.response().setStatusCode(202).putHeader("X-Call-Id", callId).end();
                    } else if (done.result() == 409) {
                        reject(request, 409, "call " + callId + " has already finished");
                    } else {
                        reject(request, 404, "call " + callId + " not found");
                    }
                });
    }

    /** A body over the async limit (unlike a caller that went away, it gets an answer). */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("too large", null, false, false);
        }
    }

    private Future<Buffer> readBody(HttpServerRequest request) {
        Promise<Buffer> done = Promise.promise();
        var body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodySize) {
                done.tryFail(new TooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(done::tryFail);
        request.endHandler(v -> done.tryComplete(body));
        request.resume();
        return done.future();
    }

    private static <T> Future<T> here(CompletionStage<T> stage, Context context) {
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }

    static String callbackUrl(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            var uri = new URI(header.strip());
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri.toString();
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid X-Callback-Url \"" + header + "\": use an absolute http or https URL");
    }

    static int priority(String header) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(header.strip());
            if (value >= 0 && value <= 9) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid X-Priority \"" + header + "\": use 0 (default) to 9 (first)");
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
