package dev.jfaas.queue.document;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallRecord;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.QueuedCall;
import java.time.Duration;
import java.time.Instant;

/**
 * What a broker backend keeps about one call beside the call itself (which rides in the broker's
 * message): where it is in its life, who holds it, and what its last attempt got. Every change is
 * a new document, written back with compare-and-set, so gateways and workers on several machines
 * can share it.
 *
 * @param token the current lease's token, null when nobody holds the call
 * @param delivery the broker's handle on the current delivery (a NATS ack subject, a Redis entry id)
 * @param resultOf the lease whose result is kept: each attempt writes its own, so one that lost
 *     its lease can never overwrite the result of the attempt that won
 * @param result that result itself when it is small enough to ride in the document (see
 *     {@link #INLINE_RESULT_BYTES}), saving a write per call; else null and kept under its own key
 */
public record CallDocument(
        String callId,
        String function,
        String namespace,
        String queue,
        int priority,
        int maxAttempts,
        Instant acceptedAt,
        String idempotencyKey,
        CallStatus status,
        int attempts,
        String token,
        String delivery,
        Instant leaseUntil,
        Instant notBefore,
        Instant startedAt,
        Instant finishedAt,
        Integer statusCode,
        Double durationSeconds,
        String error,
        String callbackStatus,
        String resultOf,
        CallResponse result) {

    /** Bodies up to this size are kept in the document of a call that succeeded. */
    public static final int INLINE_RESULT_BYTES = 2048;

    public static CallDocument queued(QueuedCall call) {
        return new CallDocument(call.callId(), call.function().name(), call.function().namespace(), call.queue(),
                call.priority(), call.maxAttempts(), call.acceptedAt(), call.idempotencyKey(), CallStatus.QUEUED, 0,
                null, null, null, call.acceptedAt(), null, null, null, null, null, null, null, null);
    }

    public FunctionName functionName() {
        return new FunctionName(function, namespace);
    }

    /** True if {@code call} is the call this document was written for (same id, function and accept time). */
    public boolean describes(QueuedCall call) {
        return callId.equals(call.callId()) && function.equals(call.function().name())
                && namespace.equals(call.function().namespace()) && acceptedAt.equals(call.acceptedAt());
    }

    /** True if {@code token} is the lease that holds this call now. */
    public boolean heldBy(String leaseToken) {
        return status == CallStatus.RUNNING && leaseToken.equals(token);
    }

    /** What a worker may do with a delivery of this call now. */
    public Readiness readiness(Instant now) {
        if (status.isFinal()) {
            return Readiness.ENDED;
        }
        if (status == CallStatus.RUNNING && !leaseUntil.isBefore(now)) {
            return Readiness.HELD;
        }
        if (status != CallStatus.RUNNING && notBefore != null && notBefore.isAfter(now)) {
            return Readiness.NOT_YET;
        }
        return Readiness.RUNNABLE;
    }

    public enum Readiness {
        /** Final: the delivery is stale and can be dropped. */
        ENDED,
        /** Leased and the lease still runs: deliver again when it would run out. */
        HELD,
        /** Waiting for its retry time. */
        NOT_YET,
        RUNNABLE
    }

    /** How long until this call may be delivered again (a running lease or a retry wait). */
    public Duration waitLeft(Instant now) {
        var until = status == CallStatus.RUNNING ? leaseUntil : notBefore;
        return until == null || until.isBefore(now) ? Duration.ZERO : Duration.between(now, until);
    }

    public CallDocument leased(String newToken, String newDelivery, Instant now, Duration leaseTime) {
        return new CallDocument(callId, function, namespace, queue, priority, maxAttempts, acceptedAt, idempotencyKey,
                CallStatus.RUNNING, attempts + 1, newToken, newDelivery, now.plus(leaseTime), notBefore,
                startedAt == null ? now : startedAt, finishedAt, statusCode, durationSeconds, error, callbackStatus, resultOf, result);
    }

    public CallDocument renewed(Instant until) {
        return new CallDocument(callId, function, namespace, queue, priority, maxAttempts, acceptedAt, idempotencyKey,
                status, attempts, token, delivery, until, notBefore, startedAt, finishedAt, statusCode, durationSeconds,
                error, callbackStatus, resultOf, result);
    }

    /** Ended by the lease {@code by}, whose result (if any) is the one kept, in the document if it {@link #inlines}. */
    public CallDocument finished(CallStatus end, CallResponse response, String why, Instant now, String by) {
        return new CallDocument(callId, function, namespace, queue, priority, maxAttempts, acceptedAt, idempotencyKey,
                end, attempts, null, null, null, notBefore, startedAt, now, response == null ? null : response.status(),
                response == null ? null : response.durationSeconds(), why, callbackStatus, response == null ? resultOf : by,
                response == null ? result : inlines(response) ? response : null);
    }

    /** Whether a result of this size rides in the document. */
    public static boolean inlines(CallResponse response) {
        return response != null && response.body().length <= INLINE_RESULT_BYTES;
    }

    public CallDocument retrying(Instant at, CallResponse response, String why) {
        return new CallDocument(callId, function, namespace, queue, priority, maxAttempts, acceptedAt, idempotencyKey,
                CallStatus.RETRYING, attempts, null, delivery, null, at, startedAt, null,
                response == null ? null : response.status(), response == null ? null : response.durationSeconds(), why,
                callbackStatus, resultOf, result);
    }

    /** Back to wait until {@code at} with this attempt not counted: the function pushed back, as busy. */
    public CallDocument pushedBack(Instant at) {
        return new CallDocument(callId, function, namespace, queue, priority, maxAttempts, acceptedAt, idempotencyKey,
                attempts > 1 ? CallStatus.RETRYING : CallStatus.QUEUED, attempts - 1, null, delivery, null, at, startedAt, null,
                statusCode, durationSeconds, error, callbackStatus, resultOf, result);
    }

    public CallDocument cancelled(Instant now) {
        return new CallDocument(callId, function, namespace, queue, priority, maxAttempts, acceptedAt, idempotencyKey,
                CallStatus.CANCELLED, attempts, null, null, null, notBefore, startedAt, now, statusCode, durationSeconds,
                error, callbackStatus, resultOf, result);
    }

    /** Back in line with fresh attempts (a replayed dead letter or failed call). */
    public CallDocument requeued(Instant now) {
        return new CallDocument(callId, function, namespace, queue, priority, maxAttempts, acceptedAt, idempotencyKey,
                CallStatus.QUEUED, 0, null, null, null, now, startedAt, null, statusCode, durationSeconds, null,
                callbackStatus, resultOf, result);
    }

    public CallDocument withCallbackStatus(String outcome) {
        return new CallDocument(callId, function, namespace, queue, priority, maxAttempts, acceptedAt, idempotencyKey,
                status, attempts, token, delivery, leaseUntil, notBefore, startedAt, finishedAt, statusCode,
                durationSeconds, error, outcome, resultOf, result);
    }

    /** Dead and failed calls keep their request so they can be replayed. */
    public boolean replayable() {
        return status == CallStatus.DEAD || status == CallStatus.FAILED;
    }

    public CallRecord toRecord() {
        return new CallRecord(callId, function, namespace, queue, status, priority, attempts, maxAttempts, acceptedAt,
                startedAt, finishedAt, statusCode, durationSeconds, error, callbackStatus);
    }
}
