package dev.jfaas.triggers;

import dev.jfaas.function.FunctionName;
import dev.jfaas.invoke.CallIds;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.triggers.TriggerMetrics.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every trigger's events go: into the async queue as calls, durably, before the broker is
 * told the message was taken. A queue that cannot take a call now (a broker outage, a full disk)
 * is tried again with backoff for as long as this process lives; the broker keeps the message
 * until then, and redelivers it if this process dies.
 */
public final class TriggerSink {

    private static final Logger log = LoggerFactory.getLogger(TriggerSink.class);
    static final Duration FIRST_RETRY = Duration.ofMillis(200);
    static final Duration LAST_RETRY = Duration.ofSeconds(30);

    /** The function is gone: the event is dropped (and acknowledged), as a connector would. */
    public static final class NoFunction extends RuntimeException {
        NoFunction(FunctionName function) {
            super("function " + function + " is not deployed", null, false, false);
        }
    }

    private final Provider provider;
    private final CallQueue queue;
    private final Consumer<String> wake;
    private final TriggerMetrics metrics;
    private final Replies replies;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private volatile boolean closed;

    public TriggerSink(Provider provider, CallQueue queue, Consumer<String> wake, TriggerMetrics metrics, Replies replies,
            ScheduledExecutorService timer, Clock clock) {
        this.provider = provider;
        this.queue = queue;
        this.wake = wake;
        this.metrics = metrics;
        this.replies = replies;
        this.timer = timer;
        this.clock = clock;
    }

    /** Completes once the call is stored (or found stored under the event's key); fails with {@link NoFunction}. */
    public CompletableFuture<Accepted> deliver(FunctionName function, TriggerEvent event) {
        var done = new CompletableFuture<Accepted>();
        attempt(function, event, FIRST_RETRY, done);
        return done;
    }

    private void attempt(FunctionName function, TriggerEvent event, Duration wait, CompletableFuture<Accepted> done) {
        if (closed) {
            done.completeExceptionally(new IllegalStateException("triggers are stopping"));
            return;
        }
        var deployed = provider.find(function);
        if (deployed.isEmpty()) {
            metrics.count(event, Outcome.NO_FUNCTION);
            done.completeExceptionally(new NoFunction(function));
            return;
        }
        var fn = deployed.get();
        var queueName = fn.deployment().annotations() == null ? QueuedCall.DEFAULT_QUEUE
                : fn.deployment().annotations().getOrDefault(QueuedCall.QUEUE_ANNOTATION, QueuedCall.DEFAULT_QUEUE);
        var call = new QueuedCall(CallIds.next(), function, queueName, 0, "POST", "/", "", event.headers(),
                event.body(), null, event.idempotencyKey(), clock.instant(), fn.retryPolicy().maxAttempts());
        queue.enqueue(call).whenComplete((accepted, failure) -> {
            if (failure == null && accepted.kind() == Accepted.Kind.ID_TAKEN) {
                attempt(function, event, wait, done); // a fresh id next time
                return;
            }
            if (failure != null) {
                metrics.count(event, Outcome.FAILED);
                log.debug("the queue cannot take a {} event for {} now; again in {}: {}", event.trigger(), function, wait,
                        failure.getMessage());
                var next = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
                timer.schedule(() -> attempt(function, event, next, done), wait.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            boolean fresh = accepted.kind() == Accepted.Kind.NEW;
            metrics.count(event, fresh ? Outcome.QUEUED : Outcome.DUPLICATE);
            if (fresh) {
                metrics.lag(event, clock.instant());
                wake.accept(queueName);
                if (event.reply() != null) {
                    replies.follow(accepted.callId(), event.reply());
                }
            }
            done.complete(accepted);
        });
    }

    void close() {
        closed = true;
    }
}
