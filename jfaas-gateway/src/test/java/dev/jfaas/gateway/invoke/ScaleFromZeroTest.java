package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.invoke.Body;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A call to a function with no ready replica: it waits, or learns at once why none will come. */
class ScaleFromZeroTest {

    final Vertx vertx = Vertx.vertx();
    final GatewayMetrics metrics = new GatewayMetrics(null, java.util.List::of);

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aCallWaitsForTheReplicaAndGoesOnWhenItIsReady() throws Exception {
        var ready = new CompletableFuture<Void>();
        var next = new Calls.Next();
        var stage = new ScaleFromZero(vertx, Duration.ofSeconds(10), metrics);
        var result = vertx.getOrCreateContext().<dev.jfaas.invoke.InvocationResult>executeBlocking(() -> null)
                .compose(x -> stage.apply(Calls.to(new Waiting(ready), Body.EMPTY), next));
        assertThat(next.passed.get()).isNull();
        ready.complete(null);
        assertThat(result.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(next.passed.get()).isNotNull();
    }

    @Test
    void aFunctionWhoseReplicasCannotStartIs503AtOnceWithTheReason() throws Exception {
        var next = new Calls.Next();
        var cannot = CompletableFuture.<Void>failedFuture(new IllegalStateException(
                "replica fn-1 exited with status 3 before it was ready: config file missing"));
        var result = new ScaleFromZero(vertx, Duration.ofSeconds(60), metrics).apply(Calls.to(new Waiting(cannot), Body.EMPTY), next)
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(503);
        assertThat(((Body.Bytes) result.body()).buffer().toString()).contains("cannot start", "config file missing");
        assertThat(result.headers().get("Retry-After")).isEqualTo("1");
        assertThat(next.passed.get()).isNull();
    }

    @Test
    void noReplicaWithinTheTimeoutIs503() throws Exception {
        var result = new ScaleFromZero(vertx, Duration.ofMillis(50), metrics)
                .apply(Calls.to(new Waiting(new CompletableFuture<>()), Body.EMPTY), new Calls.Next())
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(503);
        assertThat(result.headers().get("X-Jfaas-Internal")).isEqualTo("scale-from-zero");
    }

    /** No ready replica; a wait for one that ends as given. */
    record Waiting(CompletionStage<Void> ready) implements dev.jfaas.provider.DeployedFunction {
        static final Calls.Function PLAIN = Calls.Function.annotated(Map.of());

        public dev.jfaas.function.FunctionName name() {
            return PLAIN.name();
        }

        public dev.jfaas.function.FunctionDeployment deployment() {
            return PLAIN.deployment();
        }

        public dev.jfaas.function.WatchdogConfig watchdog() {
            return PLAIN.watchdog();
        }

        public dev.jfaas.function.RetryPolicy retryPolicy() {
            return PLAIN.retryPolicy();
        }

        public java.util.List<dev.jfaas.provider.Replica> readyReplicas() {
            return java.util.List.of();
        }

        public CompletionStage<Void> awaitReady() {
            return ready;
        }

        public void countInvocation() {}
    }
}
