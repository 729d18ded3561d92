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
 * (asking for one if the function is scaled to zero), or answers 503 after the timeout; or at once,
 * with the reason, when the provider knows its replicas cannot start.
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
            if (e != null) {
                ready.tryFail(e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e);
            } else {
                ready.tryComplete();
            }
        }));
        return ready.future().transform(done -> {
            if (done.failed() && done.cause() instanceof IllegalStateException cannotStart) {
                var failed = InvocationResult.internal(503, "scale-from-zero", "function " + call.function()
                        + " cannot start: " + cannotStart.getMessage());
                failed.headers().set("Retry-After", "1");
                return Future.succeededFuture(failed);
            }
            if (done.failed()) {
                return Future.succeededFuture(InvocationResult.internal(503, "scale-from-zero",
                        "no replica of " + call.function() + " became ready within " + timeout.toSeconds() + "s"));
            }
            metrics.coldStart(call.function(), System.nanoTime() - since);
            return next.proceed(call);
        });
    }
}
