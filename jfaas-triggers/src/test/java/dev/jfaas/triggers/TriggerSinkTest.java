package dev.jfaas.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.memory.MemoryCallQueue;
import dev.jfaas.triggers.EventIntake.Answer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the sink does with each answer of the accept chain: count, retry, drop, follow replies. */
class TriggerSinkTest {

    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MemoryCallQueue queue = new MemoryCallQueue();
    final FunctionName fn = FunctionName.of("fn", "openfaas-fn");

    /** Answers in order, the last one for ever. */
    final Deque<Answer> answers = new ArrayDeque<>();
    final AtomicInteger asked = new AtomicInteger();
    final EventIntake intake = (function, event) -> {
        asked.incrementAndGet();
        var answer = answers.size() > 1 ? answers.poll() : answers.peek();
        return CompletableFuture.completedFuture(answer);
    };
    final TriggerSink sink = new TriggerSink(intake, new TriggerMetrics(registry), new Replies(queue, timer, Duration.ofMinutes(1)),
            timer, Clock.systemUTC());

    @AfterEach
    void stop() throws Exception {
        timer.shutdownNow();
        queue.close();
    }

    static TriggerEvent event(String key) {
        return new TriggerEvent("nats", "orders", "{}".getBytes(), List.of(new Header("X-Topic", "orders")), key,
                Instant.now(), null);
    }

    double counted(String outcome) {
        var counter = registry.find("jfaas_trigger_messages").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aStoredEventIsAcceptedAndCountedOnceAndADuplicateAsSuch() throws Exception {
        answers.add(new Answer.Stored("c1", false));
        assertThat(sink.deliver(fn, event("k")).get(5, TimeUnit.SECONDS)).isEqualTo(new Accepted("c1", Accepted.Kind.NEW));
        answers.clear();
        answers.add(new Answer.Stored("c1", true));
        assertThat(sink.deliver(fn, event("k")).get(5, TimeUnit.SECONDS))
                .isEqualTo(new Accepted("c1", Accepted.Kind.IDEMPOTENT_REPEAT));
        assertThat(counted("queued")).isEqualTo(1);
        assertThat(counted("duplicate")).isEqualTo(1);
    }

    @Test
    void aQueueThatCannotTakeTheEventNowIsAskedAgainUntilItDoes() throws Exception {
        answers.add(new Answer.Unavailable("disk full"));
        answers.add(new Answer.Unavailable("disk full"));
        answers.add(new Answer.Stored("c2", false));
        assertThat(sink.deliver(fn, event("k")).get(5, TimeUnit.SECONDS).callId()).isEqualTo("c2");
        assertThat(asked).hasValue(3);
        assertThat(counted("failed")).isEqualTo(2);
    }

    @Test
    void anEventForNoFunctionOrRefusedIsDroppedNotRetried() {
        answers.add(new Answer.NoFunction());
        assertThatThrownBy(() -> sink.deliver(fn, event("a")).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TriggerSink.Dropped.class)
                .hasMessageContaining("not deployed");
        answers.clear();
        answers.add(new Answer.Refused("413 request body is larger than 16 bytes"));
        assertThatThrownBy(() -> sink.deliver(fn, event("b")).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(TriggerSink.Dropped.class).hasMessageContaining("413");
        assertThat(asked).hasValue(2);
        assertThat(counted("no_function")).isEqualTo(1);
        assertThat(counted("refused")).isEqualTo(1);
    }

    @Test
    void aStoppedSinkLeavesTheEventToTheBroker() {
        answers.add(new Answer.Unavailable("down"));
        sink.close();
        assertThatThrownBy(() -> sink.deliver(fn, event("k")).get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class);
    }
}
