package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.provider.HttpReplica;
import dev.jfaas.provider.Replica;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Admission: a function's own queue (max_inflight × ready replicas run, max_queued wait, 429 past
 * them), then the gateway's (503 past it).
 */
class AdmitTest {

    final Vertx vertx = Vertx.vertx();
    final List<Replica> replicas = List.of(new HttpReplica("r1", "127.0.0.1", 1));
    final Calls.Function limited = limited("10s");
    final GatewayMetrics metrics = new GatewayMetrics(new Calls.Deployed(limited), List::of);

    Calls.Function limited(String queueTimeout) {
        return Calls.Function.of(Map.of("max_inflight", "1", "max_queued", "1", "queue_timeout", queueTimeout), Map.of(), replicas);
    }

    /** A next stage whose calls answer when the test says. */
    final List<Promise<InvocationResult>> running = new ArrayList<>();
    final dev.jfaas.invoke.Stage.Chain held = call -> {
        Promise<InvocationResult> answer = Promise.promise();
        synchronized (running) {
            running.add(answer);
        }
        return answer.future();
    };

    @AfterEach
    void close() {
        metrics.close();
        vertx.close().await();
    }

    static InvocationResult ok() {
        return InvocationResult.of(200, MultiMap.caseInsensitiveMultiMap(), Body.EMPTY);
    }

    static InvocationResult await(Future<InvocationResult> result) throws Exception {
        return result.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void pastMaxInflightACallWaitsForASlotAndPastMaxQueuedIsRefused429() throws Exception {
        var admit = new Admit(vertx, 100, 100, Duration.ofSeconds(30), metrics);
        var first = admit.apply(Calls.to(limited, Body.EMPTY), held);
        var second = admit.apply(Calls.to(limited, Body.EMPTY), held);
        var third = await(admit.apply(Calls.to(limited, Body.EMPTY), held));

        assertThat(running).hasSize(1);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.headers().get("Retry-After")).isEqualTo("1");
        assertThat(third.headers().get("X-Jfaas-Internal")).isEqualTo(Admit.STAGE);

        running.getFirst().complete(ok());
        assertThat(await(first).status()).isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> running.size() == 2);
        running.get(1).complete(ok());
        assertThat(await(second).status()).isEqualTo(200);
    }

    @Test
    void aCallThatWaitsPastQueueTimeoutIs429SayingSo() throws Exception {
        var admit = new Admit(vertx, 100, 100, Duration.ofSeconds(30), metrics);
        var impatient = limited("100ms");
        admit.apply(Calls.to(impatient, Body.EMPTY), held);
        var waited = await(admit.apply(Calls.to(impatient, Body.EMPTY), held));
        assertThat(waited.status()).isEqualTo(429);
        assertThat(((Body.Bytes) waited.body()).buffer().toString()).contains("queue_timeout");
    }

    @Test
    void pastTheGatewaysBoundsACallIs503() throws Exception {
        var open = Calls.Function.of(Map.of(), Map.of(), replicas);
        var admit = new Admit(vertx, 1, 0, Duration.ofSeconds(30), metrics);
        var first = admit.apply(Calls.to(open, Body.EMPTY), held);
        var refused = await(admit.apply(Calls.to(open, Body.EMPTY), held));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
        running.getFirst().complete(ok());
        assertThat(await(first).status()).isEqualTo(200);
        var after = admit.apply(Calls.to(open, Body.EMPTY), held);
        running.get(1).complete(ok());
        assertThat(await(after).status()).as("the slot came back").isEqualTo(200);
    }

    @Test
    void aChainThatThrowsGivesBothSlotsBack() throws Exception {
        var admit = new Admit(vertx, 1, 0, Duration.ofSeconds(30), metrics);
        dev.jfaas.invoke.Stage.Chain throwing = call -> {
            throw new IllegalStateException("a stage's bug");
        };
        assertThat(admit.apply(Calls.to(limited, Body.EMPTY), throwing).failed()).isTrue();
        // the gateway's one slot and the function's one slot are free again: this call runs at once
        var after = admit.apply(Calls.to(limited, Body.EMPTY), held);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> running.size() == 1);
        running.getFirst().complete(ok());
        assertThat(await(after).status()).isEqualTo(200);
    }

    @Test
    void aCallTheGatewayRefusesGivesItsFunctionsSlotBack() throws Exception {
        var open = Calls.Function.of(Map.of(), Map.of(), replicas);
        var admit = new Admit(vertx, 1, 0, Duration.ofSeconds(30), metrics);
        var first = admit.apply(Calls.to(open, Body.EMPTY), held); // the gateway's only slot
        var refused = await(admit.apply(Calls.to(limited, Body.EMPTY), held)); // its function's only slot, then 503
        assertThat(refused.status()).isEqualTo(503);
        running.getFirst().complete(ok());
        assertThat(await(first).status()).isEqualTo(200);
        // max_inflight 1: had the refused call kept its slot, this one would wait out queue_timeout
        var after = admit.apply(Calls.to(limited, Body.EMPTY), held);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> running.size() == 2);
        running.get(1).complete(ok());
        assertThat(await(after).status()).isEqualTo(200);
    }
}
