package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.InvocationResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** read_timeout and write_timeout, where they are shorter than exec_timeout. */
class DeadlinesTest {

    final Vertx vertx = Vertx.vertx();
    final Deadlines deadlines = new Deadlines(vertx);

    @AfterEach
    void close() {
        vertx.close().await();
    }

    static Calls.Function function(Map<String, String> env) {
        return Calls.Function.of(env, Map.of(), List.of());
    }

    static InvocationResult await(Future<InvocationResult> result) throws Exception {
        return result.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void withTheDefaultsTheCallGoesOnUntouched() {
        var next = new Calls.Next();
        var call = Calls.to(function(Map.of()), Body.EMPTY);
        assertThat(deadlines.apply(call, next).result().status()).isEqualTo(200);
        assertThat(next.passed.get()).isSameAs(call);
    }

    @Test
    void aFunctionThatDoesNotAnswerWithinWriteTimeoutIs504AndTheCallIsStopped() throws Exception {
        var call = Calls.to(function(Map.of("write_timeout", "100ms", "exec_timeout", "10s")), Body.EMPTY);
        var result = await(deadlines.apply(call, c -> Promise.<InvocationResult>promise().future()));
        assertThat(result.status()).isEqualTo(504);
        assertThat(((Body.Bytes) result.body()).buffer().toString()).contains("did not answer within write_timeout 100ms");
        // the call is stopped right after the answer is given, on the timer's thread
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(call.cancellation()::isCancelled);
    }

    @Test
    void aBodyThatDoesNotArriveWithinReadTimeoutIs408() throws Exception {
        var call = Calls.to(function(Map.of("read_timeout", "100ms", "exec_timeout", "10s")),
                new Body.Stream(new NeverEnds(), () -> { }));
        var result = await(deadlines.apply(call, c -> Promise.<InvocationResult>promise().future()));
        assertThat(result.status()).isEqualTo(408);
        assertThat(((Body.Bytes) result.body()).buffer().toString()).contains("request body not received within read_timeout 100ms");
    }

    @Test
    void anAnswerInTimeIsPassedBack() throws Exception {
        var call = Calls.to(function(Map.of("write_timeout", "200ms", "exec_timeout", "10s")), Body.EMPTY);
        var result = await(deadlines.apply(call, c -> Future.succeededFuture(
                InvocationResult.of(201, MultiMap.caseInsensitiveMultiMap(), Body.of(Buffer.buffer("made"))))));
        assertThat(result.status()).isEqualTo(201);
        assertThat(call.cancellation().isCancelled()).isFalse();
    }

    /** A request body that never ends. */
    private static final class NeverEnds implements ReadStream<Buffer> {
        @Override
        public ReadStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(io.vertx.core.Handler<Void> endHandler) {
            return this;
        }
    }
}
