package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.gateway.scaling.LoadTracker;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.InvocationResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every call to a known function is counted when it starts and timed, by status, when it answers. */
class MeasureTest {

    final Calls.Function fn = Calls.Function.annotated(Map.of());
    final GatewayMetrics metrics = new GatewayMetrics(new Calls.Deployed(fn), List::of);
    final Measure measure = new Measure(metrics, new LoadTracker());

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void aCallIsCountedAtItsStartAndByItsStatusWhenItAnswers() {
        Promise<InvocationResult> answer = Promise.promise();
        var result = measure.apply(Calls.to(fn, Body.EMPTY), call -> answer.future());

        assertThat(metrics.scrape()).contains("gateway_function_invocation_started{function_name=\"fn.openfaas-fn\"} 1")
                .doesNotContain("gateway_function_invocation_total{code=\"201\"");
        assertThat(fn.invocations()).hasValue(1);

        answer.complete(InvocationResult.of(201, MultiMap.caseInsensitiveMultiMap(), Body.EMPTY));
        assertThat(result.result().status()).isEqualTo(201);
        assertThat(metrics.scrape()).contains("gateway_function_invocation_total{code=\"201\",function_name=\"fn.openfaas-fn\"} 1.0")
                .contains("gateway_functions_seconds_count{code=\"201\",function_name=\"fn.openfaas-fn\"} 1");
    }

    @Test
    void aCallThatFailsInsideTheGatewayCountsAs500() {
        var result = measure.apply(Calls.to(fn, Body.EMPTY), call -> Future.failedFuture(new IllegalStateException("bug")));
        assertThat(result.failed()).isTrue();
        assertThat(metrics.scrape()).contains("gateway_function_invocation_total{code=\"500\",function_name=\"fn.openfaas-fn\"} 1.0");
    }
}
