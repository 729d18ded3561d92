package dev.jfaas.worker;

import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.CallWaiters;
import dev.jfaas.queue.Lease;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a run ends in the queue: its verdict (succeeded, failed, retried later, dead letter) written
 * against its lease, those waiting for its result told, and its callback posted once it has ended.
 * Futures complete on the lane's context.
 */
final class Conclusions {

    /** What one run of a call gave: the pipeline's result and the response kept of it. */
    record Attempt(InvocationResult result, CallResponse response) {}

    private final Context context;
    private final CallQueue queue;
    private final FunctionCatalog catalog;
    private final CallbackSender callbacks;
    private final CallWaiters waiters;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final FunctionSlots slots;
    private final boolean adaptive;

    /** @param adaptive back-pressure lowers the function's limit and is pushed back (see {@link WorkerSettings#adaptive}) */
    Conclusions(Context context, WorkerParts parts, boolean adaptive) {
        this.slots = parts.slots();
        this.adaptive = adaptive;
        this.context = context;
        this.queue = parts.queue();
        this.catalog = parts.catalog();
        this.callbacks = parts.callbacks();
        this.waiters = parts.waiters();
        this.metrics = parts.metrics();
        this.clock = parts.clock();
    }

    private <T> Future<T> here(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }

    Future<Void> conclude(Lease lease, Attempt attempt) {
        var call = lease.call();
        int status = attempt.result().status();
        var policy = catalog.retryPolicy(call.function());
        var retryAfter = retryAfter(attempt.result(), clock.instant());
        var verdict = Verdict.of(status, attempt.result().isInternal(), adaptive, retryAfter, lease.attempt(),
                call.maxAttempts(), call.acceptedAt(), policy, clock.instant(), ThreadLocalRandom.current());
        var function = call.function().qualified();
        var error = status >= 400 ? errorText(attempt) : null;
        if (adaptive && Verdict.isBackPressure(status, attempt.result().isInternal())) {
            slots.pushedBack(call.function(), retryAfter);
            metrics.adaptiveLimit(function, () -> {
                var limit = slots.adaptiveLimits().get(call.function());
                return limit == null ? Double.NaN : limit;
            });
        } else {
            slots.succeeded(call.function());
        }
        return switch (verdict) {
            case Verdict.PushBack pushBack -> here(queue.pushBack(lease, pushBack.notBefore())).map(kept -> {
                metrics.attempt(function, kept ? "pushed_back" : "lost");
                return null;
            });
            case Verdict.Retry retry -> here(queue.retryLater(lease, retry.notBefore(), attempt.response(), error)).map(kept -> {
                metrics.attempt(function, kept ? "retried" : "lost");
                return null;
            });
            case Verdict.Done d -> end(lease, d.succeeded() ? CallStatus.SUCCEEDED : CallStatus.FAILED, attempt, error);
            case Verdict.Dead dead -> end(lease, CallStatus.DEAD, attempt, dead.why() + (error == null ? "" : ": " + error));
        };
    }

    private Future<Void> end(Lease lease, CallStatus status, Attempt attempt, String error) {
        var call = lease.call();
        return here(queue.finish(lease, status, attempt.response(), error)).compose(kept -> {
            metrics.attempt(call.function().qualified(), kept ? status.wire() : "lost");
            if (!kept) {
                return Future.succeededFuture();
            }
            waiters.finished(call.callId());
            if (call.callbackUrl() == null) {
                return Future.succeededFuture();
            }
            int functionStatus = attempt.result().isInternal() && attempt.result().status() == 502 ? 503 : attempt.result().status();
            callbacks.send(lease, functionStatus, attempt.response()).onSuccess(outcome -> {
                metrics.callback(outcome.startsWith("delivered") ? "delivered" : "failed");
                queue.recordCallback(call.callId(), outcome);
            });
            return Future.succeededFuture();
        });
    }

    private static String errorText(Attempt attempt) {
        var body = new String(attempt.response().body(), 0, Math.min(attempt.response().body().length, 500),
                java.nio.charset.StandardCharsets.UTF_8).strip();
        var stage = attempt.result().internalStage();
        return (stage != null ? "jfaas " + stage + ": " : "status " + attempt.result().status() + ": ") + body;
    }

    /** A 429's or 503's Retry-After; null if none or unreadable (the backoff then applies). */
    private static Duration retryAfter(InvocationResult result, java.time.Instant now) {
        return result.status() == 429 || result.status() == 503 ? RetryAfter.parse(result.headers().get("Retry-After"), now) : null;
    }
}
