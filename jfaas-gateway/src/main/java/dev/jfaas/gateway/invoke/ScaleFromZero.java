package dev.jfaas.gateway.invoke;

import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * A call to a function with no ready replica waits, without holding a thread, until one is ready
 * (asking for one if the function is scaled to zero), or answers 503 after the timeout.
 */
public final class ScaleFromZero implements Stage {

    private final Vertx vertx;
    private final Duration timeout;
    private final GatewayMetrics metrics;

    public ScaleFromZero(Vertx vertx, Duration timeout, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        var target = call.target();
        if (!target.readyReplicas().isEmpty()) {
            return next.proceed(call);
        }
        long since = System.nanoTime();
        Promise<Void> ready = Promise.promise();
        long timer = vertx.setTimer(timeout.toMillis(), id -> ready.tryFail("timeout"));
        var context = vertx.getOrCreateContext();
        target.awaitReady().whenComplete((v, e) -> context.runOnContext(x -> {
            vertx.cancelTimer(timer);
            ready.tryComplete();
        }));
        return ready.future().transform(done -> {
            if (done.failed()) {
                return Future.succeededFuture(InvocationResult.internal(503, "scale-from-zero",
                        "no replica of " + call.function() + " became ready within " + timeout.toSeconds() + "s"));
            }
            metrics.coldStart(call.function(), System.nanoTime() - since);
            return next.proceed(call);
        });
    }
}
