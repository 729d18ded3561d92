package dev.jfaas.worker;

import dev.jfaas.function.FunctionName;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Cancellation;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Pipeline;
import dev.jfaas.queue.CallQueue;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one named queue: leases calls up to its concurrency, leaving out functions at their own
 * limit so one busy function cannot take the whole queue, and runs each through the same pipeline
 * as a sync call while renewing its lease; {@link Conclusions} then records how it ended. All state
 * lives on one Vert.x context.
 */
final class QueueWorker {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);

    private final String queueName;
    private final Context context;
    private final WorkerSettings settings;
    private final Vertx vertx;
    private final CallQueue queue;
    private final Pipeline pipeline;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final FunctionSlots slots;
    private final BodyBudget bodies;
    private final Conclusions conclusions;
    /**
     * Leased calls not started yet, because their function was at its limit or they were leased
     * ahead of a free slot ({@link #endingSoon()}): they start as slots free up.
     */
    private final Deque<Lease> parked = new ArrayDeque<>();
    private final Map<String, Long> renewTimers = new HashMap<>();
    /** Calls running now, by call id, and how to stop each. */
    private final Map<String, Cancellation> running = new HashMap<>();
    private int inFlight;
    /** Recent lease round trip and call run time, for {@link #endingSoon()}. */
    private final Ewma leaseNanos = new Ewma();
    private final Ewma runNanos = new Ewma();
    private boolean polling;
    /** In {@link #startParked}: a call that ends at once (a 429, say) must not start the loop again inside it. */
    private boolean starting;
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
        this.metrics = parts.metrics();
        this.clock = parts.clock();
        this.slots = parts.slots();
        this.bodies = parts.bodies();
        this.conclusions = new Conclusions(context, parts, settings.adaptive());
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
                    bodies.release(lease.call());
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
        int wanted = settings.concurrency() - inFlight - parked.size() + endingSoon();
        if (wanted <= 0) {
            return; // a call's end polls again
        }
        int room = bodies.room(wanted);
        if (room <= 0) {
            idleLater(); // the bodies held, maybe by another lane's calls, leave no room yet
            return;
        }
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
        polling = true;
        wakeAgain = false;
        var held = new HashMap<FunctionName, Integer>();
        parked.forEach(lease -> held.merge(lease.call().function(), 1, Integer::sum));
        long asked = System.nanoTime();
        here(queue.lease(queueName, room, settings.leaseTime(), slots.room(held, leaseNanos.value()))).onComplete(done -> {
            leaseNanos.add(System.nanoTime() - asked);
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
                bodies.hold(lease.call());
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

    /**
     * Running calls likely to end before a lease asked for now comes back: it asks for their
     * successors too, so a slot that frees finds its next call waiting instead of waiting one
     * more round trip to the store (with calls that end faster than a lease returns, a lane
     * otherwise ran about a quarter of its slots; bench/README.md). Calls that run long make
     * this zero, so a call of higher priority that arrives later is passed over only by calls
     * that would have started within about one lease's time anyway.
     */
    private int endingSoon() {
        double run = runNanos.value();
        return run <= 0 ? 0 : (int) (inFlight * Math.min(1.0, leaseNanos.value() / run));
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
     * Starts parked calls, in lease order (priority, then age), while the lane has room and their
     * function has too. One lease may bring several calls of one function, and calls leased ahead
     * of free slots wait here too; this is where both limits are kept.
     */
    private void startParked() {
        if (starting) {
            return; // a call that ended at once, inside run() below: the loop goes on after it
        }
        starting = true;
        try {
            Lease next;
            while (inFlight < settings.concurrency() && (next = nextStartable()) != null) {
                run(next);
            }
        } finally {
            starting = false;
        }
    }

    /** The first parked call whose function has a free slot, taken out of {@link #parked} with its slot; null if none. */
    private Lease nextStartable() {
        for (var it = parked.iterator(); it.hasNext(); ) {
            var lease = it.next();
            if (slots.tryAcquire(lease.call().function())) {
                it.remove();
                return lease;
            }
        }
        return null;
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
                        .map(response -> new Conclusions.Attempt(result, response)))
                .onComplete(ran -> {
                    long took = System.nanoTime() - started;
                    runNanos.add(took);
                    // The function is done with it: its slot goes to the next call while its end is
                    // written, so that call's lease and this end share a commit instead of waiting
                    // for one another (two store round trips per call in a row were the drain's pace).
                    running.remove(call.callId());
                    inFlight--;
                    slots.release(call.function(), took);
                    startParked();
                    poll();
                })
                .compose(attempt -> conclusions.conclude(lease, attempt))
                .onComplete(done -> {
                    bodies.release(call);
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

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
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
