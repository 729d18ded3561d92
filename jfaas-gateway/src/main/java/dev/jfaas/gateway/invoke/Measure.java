package dev.jfaas.gateway.invoke;

import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.gateway.scaling.LoadTracker;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.vertx.core.Future;

/**
 * Counts every call to a known function and times it until the response head is back (a
 * streamed body may run on for as long as the function streams).
 */
public final class Measure implements Stage {

    private final GatewayMetrics metrics;
    private final LoadTracker load;

    public Measure(GatewayMetrics metrics, LoadTracker load) {
        this.metrics = metrics;
        this.load = load;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        long start = System.nanoTime();
        metrics.started(call.function());
        load.started(call.function());
        call.target().countInvocation();
        return next.proceed(call).andThen(done -> {
            load.finished(call.function());
            int status = done.succeeded() ? done.result().status() : 500;
            metrics.finished(call.function(), status, System.nanoTime() - start);
        });
    }
}
