package dev.jfaas.worker;

import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Cancellation;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Pipeline;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallWaiters;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueueUnavailable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one named queue: leases calls up to its concurrency, leaving out functions at their own
 * limit so one busy function cannot take the whole queue, runs each through the same pipeline as
 * a sync call while renewing its lease, then finishes it, schedules a retry, or dead-letters it,
 * and posts the callback once it has ended. All state lives on one Vert.x context.
 */
final class QueueWorker {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);

    private final String queueName;
    private final Context context;
    private final WorkerSettings settings;
    private final Vertx vertx;
    private final CallQueue queue;
    private final Pipeline pipeline;
    private final FunctionCatalog catalog;
    private final CallbackSender callbacks;
    private final CallWaiters waiters;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final FunctionSlots slots;
    /** Leased calls whose function was at its limit when they came: they start as slots free up. */
    private final Deque<Lease> parked = new ArrayDeque<>();
    private final Map<String, Long> renewTimers = new HashMap<>();
    /** Calls running now, by call id, and how to stop each. */
    private final Map<String, Cancellation> running = new HashMap<>();
    private int inFlight;
    private boolean polling;
    private boolean wakeAgain;
    private long idleTimer = -1;
    private long idleWait = 5;
    private boolean stopped;
    private boolean leaseFailing;

    QueueWorker(String queueName, Context context, WorkerSettings settings, WorkerParts parts) {
        this.queueName = queueName;
        this.context = context;
        this.settings = settings;
        this.vertx = parts.vertx();
        this.queue = parts.queue();
        this.pipeline = parts.pipeline();
        this.catalog = parts.catalog();
        this.callbacks = parts.callbacks();
        this.waiters = parts.waiters();
        this.metrics = parts.metrics();
        this.clock = parts.clock();
        this.slots = parts.slots();
    }

    /** Asks the worker to look at its queue now (new work arrived). Safe from any thread. */
    void wake() {
        context.runOnContext(v -> {
            idleWait = 5;
            poll();
        });
    }

    /** Stops a call if it runs or waits here (it was cancelled); safe from any thread. */
    void abort(String callId) {
        context.runOnContext(v -> {
            var cancellation = running.get(callId);
            if (cancellation != null) {
                cancellation.cancel();
            }
            for (var it = parked.iterator(); it.hasNext(); ) {
                var lease = it.next();
                if (lease.call().callId().equals(callId)) {
                    it.remove();
                    var renewTimer = renewTimers.remove(lease.token());
                    if (renewTimer != null) {
                        vertx.cancelTimer(renewTimer);
                    }
                    poll();
                }
            }
        });
    }

    void stop() {
        context.runOnContext(v -> {
            stopped = true;
            if (idleTimer >= 0) {
                vertx.cancelTimer(idleTimer);
            }
        });
    }

    private <T> Future<T> here(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }

    private void poll() {
        if (stopped) {
            return;
        }
        startParked(); // another lane may have freed a slot
        if (polling) {
            wakeAgain = true;
            return;
        }
        int room = settings.concurrency() - inFlight - parked.size();
        if (room <= 0) {
            return;
        }
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
        polling = true;
        wakeAgain = false;
        var skip = slots.full(catalog);
        here(queue.lease(queueName, room, settings.leaseTime(), skip)).onComplete(done -> {
            polling = false;
            if (done.failed()) {
                // Once per outage, not once per poll: a broker that is down would fill the log.
                if (!leaseFailing) {
                    log.warn("leasing from queue {} failed (retrying quietly until it works): {}", queueName,
                            done.cause().getMessage());
                }
                leaseFailing = true;
                idleLater();
                return;
            }
            if (leaseFailing) {
                log.info("leasing from queue {} works again", queueName);
                leaseFailing = false;
            }
            List<Lease> leases = done.result();
            leases.forEach(lease -> {
                keepLeased(lease);
                parked.add(lease);
            });
            startParked();
            if (!leases.isEmpty() || wakeAgain) {
                idleWait = 5;
                poll();
            } else {
                idleLater();
            }
        });
    }

    /** Polls again after a wait that doubles while the queue stays empty (delayed retries still come due). */
    private void idleLater() {
        if (stopped || idleTimer >= 0) {
            return;
        }
        idleTimer = vertx.setTimer(idleWait, id -> {
            idleTimer = -1;
            poll();
        });
        idleWait = Math.min(idleWait * 2, settings.idlePoll().toMillis());
    }

    /** Renews the lease every third of its time until the call is concluded. */
    private void keepLeased(Lease lease) {
        long renewEvery = Math.max(50, settings.leaseTime().toMillis() / 3);
        renewTimers.put(lease.token(), vertx.setPeriodic(renewEvery, id -> here(queue.renew(lease, settings.leaseTime()))
                .onSuccess(kept -> {
                    if (!kept) {
                        log.info("call {} lost its lease (cancelled or taken over): stopping it", lease.call().callId());
                        abort(lease.call().callId());
                    }
                })));
    }

    /**
     * Starts parked calls, in lease order (priority, then age), whose function has room. One lease
     * may bring several calls of one function; this is where its limit is kept.
     */
    private void startParked() {
        for (var it = parked.iterator(); it.hasNext(); ) {
            var lease = it.next();
            var function = lease.call().function();
            if (slots.tryAcquire(function, catalog.concurrencyLimit(function))) {
                it.remove();
                run(lease);
            }
        }
    }

    private void run(Lease lease) {
        var call = lease.call();
        inFlight++;
        if (lease.attempt() == 1) {
            metrics.acceptToStart(queueName, Duration.between(call.acceptedAt(), clock.instant()));
        }
        long started = System.nanoTime();
        var cancellation = new Cancellation();
        running.put(call.callId(), cancellation);
        // Its attempts are used up but their ends could not be recorded (a full disk, say): it ends
        // as dead without running again, so a call never runs more than max_attempts times.
        var outcome = lease.attempt() > call.maxAttempts()
                ? Future.succeededFuture(InvocationResult.internal(503, "worker", "out of attempts: the last "
                        + (lease.attempt() - call.maxAttempts()) + " ran but could not be recorded"))
                : pipeline.run(invocation(lease, cancellation));
        outcome
                .recover(e -> Future.succeededFuture(InvocationResult.internal(502, "worker", "call failed: " + e.getMessage())))
                .compose(result -> ResultCollector.collect(result, settings.maxResultSize(), (System.nanoTime() - started) / 1e9)
                        .map(response -> new Attempt(result, response)))
                .onComplete(ran -> {
                    // The function is done with it: its slot goes to the next call while its end is
                    // written, so that call's lease and this end share a commit instead of waiting
                    // for one another (two store round trips per call in a row were the drain's pace).
                    running.remove(call.callId());
                    inFlight--;
                    slots.release(call.function());
                    startParked();
                    poll();
                })
                .compose(attempt -> conclude(lease, attempt))
                .onComplete(done -> {
                    // renewed until its end is written: a lease that ran out meanwhile would run it again
                    var renewTimer = renewTimers.remove(lease.token());
                    if (renewTimer != null) {
                        vertx.cancelTimer(renewTimer);
                    }
                    if (done.failed() && (unwrap(done.cause()) instanceof QueueUnavailable
                            || unwrap(done.cause()) instanceof dev.jfaas.health.StorageFull)) {
                        log.warn("call {} could not be concluded ({}); its lease will expire and it runs again",
                                call.callId(), unwrap(done.cause()).getMessage());
                    } else if (done.failed()) {
                        log.error("call {} could not be concluded; its lease will expire and it runs again", call.callId(), done.cause());
                    }
                });
    }

    private record Attempt(InvocationResult result, CallResponse response) {}

    private Future<Void> conclude(Lease lease, Attempt attempt) {
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

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
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

    private static Invocation invocation(Lease lease, Cancellation cancellation) {
        var call = lease.call();
        var headers = MultiMap.caseInsensitiveMultiMap();
        call.headers().forEach(h -> headers.add(h.name(), h.value()));
        headers.set("X-Call-Id", call.callId());
        var accepted = call.acceptedAt();
        long startNanos = accepted.getEpochSecond() * 1_000_000_000L + accepted.getNano();
        return new Invocation(call.callId(), call.function(), HttpMethod.valueOf(call.method()), call.path(), call.query(),
                headers, Body.of(Buffer.buffer(call.body())), startNanos, null, cancellation);
    }

}
