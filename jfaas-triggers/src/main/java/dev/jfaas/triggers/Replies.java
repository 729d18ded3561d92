package dev.jfaas.triggers;

import dev.jfaas.function.Backoff;
import dev.jfaas.queue.CallQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a function's answer to the reply topic a message named, once its call has ended. The call
 * may run in any process on the queue's broker, so this asks the queue, not a local worker.
 */
public final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);
    static final int MAX_FOLLOWED = 10_000;
    /** How often a followed call is looked at: soon after it was queued, then every 2 s at most. */
    static final Backoff LOOKS = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));

    private final CallQueue queue;
    private final ScheduledExecutorService timer;
    private final Duration giveUpAfter;
    private final AtomicInteger followed = new AtomicInteger();

    public Replies(CallQueue queue, ScheduledExecutorService timer, Duration giveUpAfter) {
        this.queue = queue;
        this.timer = timer;
        this.giveUpAfter = giveUpAfter;
    }

    void follow(String callId, TriggerEvent.ReplyTo reply) {
        if (followed.incrementAndGet() > MAX_FOLLOWED) {
            followed.decrementAndGet();
            log.warn("more than {} replies are awaited; the answer of call {} is not sent", MAX_FOLLOWED, callId);
            return;
        }
        check(callId, reply, Instant.now().plus(giveUpAfter), 1);
    }

    private void check(String callId, TriggerEvent.ReplyTo reply, Instant deadline, int look) {
        timer.schedule(() -> queue.record(callId).whenComplete((record, failure) -> {
            boolean ended = failure == null && record.map(r -> r.status().isFinal()).orElse(true);
            if (!ended && Instant.now().isBefore(deadline)) {
                check(callId, reply, deadline, look + 1);
                return;
            }
            queue.result(callId).whenComplete((result, error) -> {
                followed.decrementAndGet();
                if (error != null || result == null || result.isEmpty()) {
                    return; // cancelled, forgotten, or never answered: nothing to send
                }
                try {
                    reply.send(result.get());
                } catch (Exception e) {
                    log.warn("could not send the answer of call {} to its reply topic: {}", callId, e.getMessage());
                }
            });
        }), LOOKS.after(look).toMillis(), TimeUnit.MILLISECONDS);
    }
}
