package dev.jfaas.gateway.entry;

import dev.jfaas.gateway.entry.TriggerEntry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.auth.Credentials;
import dev.jfaas.gateway.invoke.Authorize;
import dev.jfaas.gateway.invoke.Calls;
import dev.jfaas.gateway.invoke.Enqueue;
import dev.jfaas.gateway.invoke.InvokePipeline;
import dev.jfaas.queue.CallbackPolicy;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.memory.MemoryCallQueue;
import dev.jfaas.triggers.EventIntake.Answer;
import dev.jfaas.triggers.TriggerEvent;
import dev.jfaas.invoke.InvocationResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Trigger events through the accept chain: stored as an HTTP accept would be, answered for the sink. */
class TriggerEntryTest {

    static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));

    final Vertx vertx = Vertx.vertx();
    final MemoryCallQueue queue = new MemoryCallQueue();
    final List<String> woken = new ArrayList<>();
    final Calls.Function fn = Calls.Function.annotated(Map.of(Authorize.ANNOTATION, "basic", "com.openfaas.queue", "events"));
    final TriggerEntry entry = new TriggerEntry(vertx, InvokePipeline.trigger(new Calls.Deployed(fn),
            new BasicAuth(new Credentials("admin", "s3cret")),
            new Enqueue(queue, 64, woken::add, CallbackPolicy.of(null, List.of()), new dev.jfaas.gateway.invoke.HeldBodies(1 << 20))));

    @AfterEach
    void close() throws Exception {
        queue.close();
        vertx.close().await();
    }

    static TriggerEvent event(String body, String key, Header... headers) {
        return new TriggerEvent("nats", "orders", body.getBytes(StandardCharsets.UTF_8), List.of(headers), key, Instant.now(), null);
    }

    Answer accept(FunctionName function, TriggerEvent event) throws Exception {
        return entry.accept(function, event).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    QueuedCall stored() throws Exception {
        return queue.lease("events", 1, Duration.ofSeconds(30), dev.jfaas.queue.FunctionRoom.ANY).get(5, TimeUnit.SECONDS).getFirst().call();
    }

    @Test
    void anEventIsStoredAsAPostToTheFunctionWithoutTheGatewaysCredentialsAndWithoutAskingForThem() throws Exception {
        var answer = accept(fn.name(), event("{\"order\":1}", "nats:orders:1", new Header("X-Topic", "orders"),
                new Header("Authorization", ADMIN)));

        assertThat(answer).isInstanceOfSatisfying(Answer.Stored.class, stored -> assertThat(stored.duplicate()).isFalse());
        assertThat(woken).containsExactly("events");
        var call = stored();
        assertThat(call.callId()).isEqualTo(((Answer.Stored) answer).callId());
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/");
        assertThat(call.idempotencyKey()).isEqualTo("nats:orders:1");
        assertThat(new String(call.body(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":1}");
        assertThat(call.headers()).contains(new Header("X-Topic", "orders"))
                .noneMatch(h -> h.name().equalsIgnoreCase("Authorization"));
    }

    @Test
    void theSameEventTwiceIsStoredOnce() throws Exception {
        var first = (Answer.Stored) accept(fn.name(), event("x", "k"));
        var again = accept(fn.name(), event("x", "k"));
        assertThat(again).isEqualTo(new Answer.Stored(first.callId(), true));
    }

    @Test
    void anEventForNoFunctionOrOverTheAsyncLimitIsNotStored() throws Exception {
        assertThat(accept(FunctionName.of("gone", "openfaas-fn"), event("x", "k1"))).isInstanceOf(Answer.NoFunction.class);
        assertThat(accept(fn.name(), event("x".repeat(65), "k2"))).isInstanceOfSatisfying(Answer.Refused.class,
                refused -> assertThat(refused.reason()).startsWith("413").contains("JFAAS_MAX_ASYNC_BODY_SIZE"));
        assertThat(queue.lease("events", 1, Duration.ofSeconds(30), dev.jfaas.queue.FunctionRoom.ANY).get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aQueueThatCannotTakeTheEventNowOrAChainThatFailedIsAnAnswerToTryAgain() {
        var busy = InvocationResult.internal(503, "queue", "the queue cannot take the call now: disk full");
        assertThat(TriggerEntry.answerOf(Future.succeededFuture(busy)))
                .isEqualTo(new Answer.Unavailable("the queue cannot take the call now: disk full"));
        assertThat(TriggerEntry.answerOf(Future.failedFuture(new IllegalStateException("bug"))))
                .isEqualTo(new Answer.Unavailable("bug"));
    }
}
