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

    Conclusions(Context context, WorkerParts parts) {
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
        var verdict = Verdict.of(status, attempt.result().isInternal(), retryAfter(attempt.result()), lease.attempt(),
                call.maxAttempts(), call.acceptedAt(), policy, clock.instant(), ThreadLocalRandom.current());
        var function = call.function().qualified();
        var error = status >= 400 ? errorText(attempt) : null;
        return switch (verdict) {
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

    private static Duration retryAfter(InvocationResult result) {
        var header = result.headers().get("Retry-After");
        if (header == null || (result.status() != 429 && result.status() != 503)) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return null; // an HTTP date: fall back to backoff
        }
    }
}
