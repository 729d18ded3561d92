package dev.jfaas.queue;

import dev.jfaas.function.FunctionName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where async calls wait, and what is kept of them afterwards. Every backend (memory, SQLite,
 * brokers) implements this and passes the same conformance suite. Futures complete once the
 * change is as durable as the backend makes anything; a failed enqueue means nothing was stored.
 */
public interface CallQueue extends AutoCloseable {

    /** Stores a call. Fails with {@link QueueUnavailable} when the backend cannot take it. */
    CompletableFuture<Accepted> enqueue(QueuedCall call);

    /**
     * Claims up to {@code max} calls of one queue that may run now, at most {@code room}'s number
     * of each function: the functions with work take turns ({@link FairShare}), and each
     * function's calls come highest priority first, then oldest; calls whose lease expired are
     * delivered again.
     */
    CompletableFuture<List<Lease>> lease(String queue, int max, Duration leaseTime, FunctionRoom room);

    /** Extends a lease. False if the lease is lost: expired and taken over, or the call was cancelled. */
    CompletableFuture<Boolean> renew(Lease lease, Duration leaseTime);

    /**
     * Ends a call: {@code SUCCEEDED}, {@code FAILED} or {@code DEAD}, keeping its last response and
     * error. False if the lease was lost, in which case nothing changed.
     */
    CompletableFuture<Boolean> finish(Lease lease, CallStatus status, CallResponse response, String error);

    /** Puts a call back to wait until {@code notBefore}, keeping what the last attempt got. */
    CompletableFuture<Boolean> retryLater(Lease lease, Instant notBefore, CallResponse response, String error);

    /**
     * Puts a call back to wait until {@code notBefore} without counting this attempt: the function
     * pushed back (a 429, or a 503 of its own) because it was busy, which is not the call failing.
     * Its age still bounds how long this can go on. False if the lease was lost.
     */
    CompletableFuture<Boolean> pushBack(Lease lease, Instant notBefore);

    /** Cancels a waiting or running call. False if unknown or already final. */
    CompletableFuture<Boolean> cancel(String callId);

    CompletableFuture<Void> recordCallback(String callId, String callbackStatus);

    CompletableFuture<Optional<CallRecord>> record(String callId);

    /** The last response of a finished call. */
    CompletableFuture<Optional<CallResponse>> result(String callId);

    CompletableFuture<List<CallRecord>> records(CallFilter filter);

    /** Per queue and function: waiting, in flight, delayed, dead, oldest age. */
    CompletableFuture<List<QueueStats>> stats();

    /**
     * What the autoscaler and the metrics scrape read every few seconds: per queue and function,
     * calls not yet ended, and dead letters. Exact by default ({@link #stats()}); a broker backend,
     * where exact counts cost a pass over every call, answers from the broker's own counts
     * instead: {@code depth} then counts running calls too, and {@code inFlight} and
     * {@code delayed} are 0.
     */
    default CompletableFuture<List<QueueStats>> load() {
        return stats();
    }

    /**
     * Tells {@code listener} the queue name whenever a call is queued by any process sharing this
     * queue, so idle workers start at once instead of at their next poll. A hint, not a promise:
     * backends whose only users are in this process need not tell (the gateway wakes its own
     * workers). Returns what stops the telling.
     */
    default AutoCloseable onArrival(java.util.function.Consumer<String> listener) {
        return () -> { };
    }

    /** Requeues dead letters with fresh attempts; {@code function} null for all. Returns the count. */
    CompletableFuture<Integer> replayDeadLetters(String queue, FunctionName function);

    /** Requeues one dead or failed call with fresh attempts. False if it is not dead or failed. */
    CompletableFuture<Boolean> replay(String callId);

    /**
     * The request a dead or failed call would be replayed with, so people can see what failed;
     * empty for a call that is not dead or failed (or unknown).
     */
    CompletableFuture<Optional<QueuedCall>> deadLetter(String callId);

    /** Deletes dead letters; {@code function} null for all. Returns the count. */
    CompletableFuture<Integer> purgeDeadLetters(String queue, FunctionName function);

    /** Forgets finished calls that finished before {@code cutoff} (result retention). */
    CompletableFuture<Integer> forgetFinishedBefore(Instant cutoff);

    /** Why the queue cannot take or run calls now (e.g. its writer died), or empty. */
    default Optional<String> problem() {
        return Optional.empty();
    }

    @Override
    void close();
}
