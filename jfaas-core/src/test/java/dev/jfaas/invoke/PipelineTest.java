package dev.jfaas.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class PipelineTest {

    private static final Invocation CALL = new Invocation("id", FunctionName.of("fn", null), HttpMethod.GET, "/", "",
            MultiMap.caseInsensitiveMultiMap(), Body.EMPTY, 0, null, new Cancellation());

    @Test
    void stagesRunInOrderAndTheLastAnswers() {
        var seen = new ArrayList<String>();
        var pipeline = Pipeline.of(
                (call, next) -> {
                    seen.add("first");
                    return next.proceed(call);
                },
                (call, next) -> {
                    seen.add("second");
                    return Future.succeededFuture(InvocationResult.of(204, MultiMap.caseInsensitiveMultiMap(), Body.EMPTY));
                });
        var result = pipeline.run(CALL).result();
        assertThat(seen).containsExactly("first", "second");
        assertThat(result.status()).isEqualTo(204);
    }

    @Test
    void aStageMayShortCircuit() {
        var pipeline = Pipeline.of(
                (call, next) -> Future.succeededFuture(InvocationResult.internal(404, "resolve", "no")),
                (call, next) -> {
                    throw new AssertionError("must not run");
                });
        var result = pipeline.run(CALL).result();
        assertThat(result.status()).isEqualTo(404);
        assertThat(result.headers().get(InvocationResult.INTERNAL_HEADER)).isEqualTo("resolve");
    }

    @Test
    void aPipelineWhoseLastStagePassesOnIsAWiringError() {
        var result = Pipeline.of((call, next) -> next.proceed(call)).run(CALL).result();
        assertThat(result.status()).isEqualTo(500);
        assertThat(result.isInternal()).isTrue();
    }

    @Test
    void aThrowingStageFailsTheFuture() {
        var result = Pipeline.of((call, next) -> {
            throw new IllegalStateException("boom");
        }).run(CALL);
        assertThat(result.failed()).isTrue();
    }
}
