package dev.jfaas.triggers;

import dev.jfaas.function.Backoff;
import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Accepted;
import dev.jfaas.triggers.EventIntake.Answer;
import dev.jfaas.triggers.TriggerMetrics.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every trigger's events go: through the gateway's accept chain into the async queue,
 * durably, before the broker is told the message was taken. A queue that cannot take a call now (a
 * broker outage, a full disk) is tried again with backoff for as long as this process lives; the
 * broker keeps the message until then, and redelivers it if this process dies.
 */
public final class TriggerSink {

    private static final Logger log = LoggerFactory.getLogger(TriggerSink.class);
    static final Backoff RETRIES = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    /** The event is dropped (and acknowledged), as a connector would: its function is gone, or it was refused. */
    public static final class Dropped extends RuntimeException {
        Dropped(String why) {
            super(why, null, false, false);
        }
    }

    private final EventIntake intake;
    private final TriggerMetrics metrics;
    private final Replies replies;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private volatile boolean closed;

    public TriggerSink(EventIntake intake, TriggerMetrics metrics, Replies replies, ScheduledExecutorService timer,
            Clock clock) {
        this.intake = intake;
        this.metrics = metrics;
        this.replies = replies;
        this.timer = timer;
        this.clock = clock;
    }

    /** Completes once the call is stored (or found stored under the event's key); fails with {@link Dropped}. */
    public CompletableFuture<Accepted> deliver(FunctionName function, TriggerEvent event) {
        var done = new CompletableFuture<Accepted>();
        attempt(function, event, 1, done);
        return done;
    }

    private void attempt(FunctionName function, TriggerEvent event, int attempt, CompletableFuture<Accepted> done) {
        if (closed) {
            done.completeExceptionally(new IllegalStateException("triggers are stopping"));
            return;
        }
        intake.accept(function, event).whenComplete((answer, failure) -> {
            var outcome = failure != null ? new Answer.Unavailable(String.valueOf(failure.getMessage())) : answer;
            switch (outcome) {
                case Answer.Stored stored -> {
                    metrics.count(event, stored.duplicate() ? Outcome.DUPLICATE : Outcome.QUEUED);
                    if (!stored.duplicate()) {
                        metrics.lag(event, clock.instant());
                        if (event.reply() != null) {
                            replies.follow(stored.callId(), event.reply());
                        }
                    }
                    done.complete(new Accepted(stored.callId(), stored.duplicate() ? Accepted.Kind.IDEMPOTENT_REPEAT : Accepted.Kind.NEW));
                }
                case Answer.NoFunction none -> {
                    metrics.count(event, Outcome.NO_FUNCTION);
                    done.completeExceptionally(new Dropped("function " + function + " is not deployed"));
                }
                case Answer.Refused refused -> {
                    metrics.count(event, Outcome.REFUSED);
                    log.warn("a {} event on {} for {} was refused and dropped: {}", event.trigger(), event.topic(), function,
                            refused.reason());
                    done.completeExceptionally(new Dropped(refused.reason()));
                }
                case Answer.Unavailable unavailable -> {
                    metrics.count(event, Outcome.FAILED);
                    var wait = RETRIES.after(attempt);
                    log.debug("the queue cannot take a {} event for {} now; again in {}: {}", event.trigger(), function, wait,
                            unavailable.reason());
                    timer.schedule(() -> attempt(function, event, attempt + 1, done), wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    void close() {
        closed = true;
    }
}
