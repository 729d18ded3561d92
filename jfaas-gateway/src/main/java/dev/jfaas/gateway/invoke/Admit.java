package dev.jfaas.gateway.invoke;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.gateway.admission.AdmissionQueue;
import dev.jfaas.gateway.http.HeaderNames;
import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import dev.jfaas.provider.DeployedFunction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where sync bursts wait instead of failing (SPEC §6). First the function's own queue: with
 * {@code max_inflight} set, at most max_inflight × ready replicas run, the rest wait by
 * {@code X-Priority} then arrival, bounded by {@code max_queued} and {@code queue_timeout}
 * (429 past them). Then the gateway-wide queue: at most {@code gateway_max_inflight} forwarded at
 * once (503 past its bounds). One instance is shared by every event loop and the workers.
 */
public final class Admit implements Stage {

    public static final String STAGE = "admission";

    /** A function's queue, tied to the settings it was made with. */
    private record FunctionQueue(WatchdogConfig watchdog, AdmissionQueue queue) {}

    private final Vertx vertx;
    private final AdmissionQueue gateway;
    private final GatewayMetrics metrics;
    private final Map<FunctionName, FunctionQueue> functions = new ConcurrentHashMap<>();

    public Admit(Vertx vertx, int gatewayMaxInflight, int gatewayMaxQueued, Duration gatewayQueueTimeout, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.gateway = new AdmissionQueue(vertx, () -> gatewayMaxInflight, gatewayMaxQueued, gatewayQueueTimeout);
        this.metrics = metrics;
        metrics.admissionWaiting(() -> {
            var counts = new java.util.HashMap<String, Integer>();
            functions.forEach((name, fq) -> counts.put(name.qualified(), fq.queue().waitingCount()));
            return counts;
        });
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        int priority = priority(call);
        var function = call.target();
        if (function.watchdog().maxInflight() == 0) {
            return throughGateway(call, next, priority, null);
        }
        var queue = queueOf(function);
        long since = System.nanoTime();
        var admitted = queue.acquire(priority);
        if (admitted.succeeded()) { // a free slot: no wait, no future made for one
            return throughGateway(call, next, priority, queue);
        }
        return admitted.transform(waited -> {
            if (waited.failed()) {
                var why = ((AdmissionQueue.Refused) waited.cause()).reason() == AdmissionQueue.Refusal.FULL
                        ? "too many calls waiting for " + call.function() + " (max_queued " + function.watchdog().maxQueued() + ")"
                        : "no slot for " + call.function() + " within queue_timeout " + function.watchdog().queueTimeout();
                return Future.succeededFuture(refused(429, why));
            }
            recordWait(call.function(), since);
            return throughGateway(call, next, priority, queue);
        });
    }

    /** Through the gateway-wide queue; the function's slot, if it holds one, is given back with the gateway's, in one step. */
    private Future<InvocationResult> throughGateway(Invocation call, Chain next, int priority, AdmissionQueue slotHeld) {
        long since = System.nanoTime();
        var entered = gateway.acquire(priority);
        if (entered.succeeded()) { // the usual case: no queue, no extra futures
            return proceedHolding(call, next, slotHeld);
        }
        return entered.transform(admitted -> {
            if (admitted.failed()) {
                if (slotHeld != null) {
                    slotHeld.release();
                }
                return Future.succeededFuture(refused(503, "the gateway is overloaded: too many calls in flight and waiting"));
            }
            recordWait(call.function(), since);
            return proceedHolding(call, next, slotHeld);
        });
    }

    /** The rest of the chain, the slots given back when it is over: also when it throws instead of failing. */
    private Future<InvocationResult> proceedHolding(Invocation call, Chain next, AdmissionQueue slotHeld) {
        Future<InvocationResult> result;
        try {
            result = next.proceed(call);
        } catch (RuntimeException e) {
            release(slotHeld);
            return Future.failedFuture(e);
        }
        return result.andThen(done -> release(slotHeld));
    }

    private void release(AdmissionQueue slotHeld) {
        gateway.release();
        if (slotHeld != null) {
            slotHeld.release();
        }
    }

    private void recordWait(FunctionName function, long since) {
        long waited = System.nanoTime() - since;
        if (waited > 100_000) { // only real waits: the histogram describes the queue, not the fast path
            metrics.admissionWait(function, waited);
        }
    }

    private AdmissionQueue queueOf(DeployedFunction function) {
        var watchdog = function.watchdog();
        var current = functions.get(function.name());
        if (current == null || current.watchdog() != watchdog) {
            var fresh = new FunctionQueue(watchdog, new AdmissionQueue(vertx,
                    () -> watchdog.maxInflight() * Math.max(1, function.readyReplicas().size()),
                    watchdog.maxQueued(), watchdog.queueTimeout()));
            current = functions.merge(function.name(), fresh, (old, made) -> old.watchdog() == watchdog ? old : made);
        }
        return current.queue();
    }

    private static InvocationResult refused(int status, String message) {
        var result = InvocationResult.internal(status, STAGE, message);
        result.headers().set("Retry-After", "1");
        return result;
    }

    /** X-Priority 0..9 orders waiting calls; anything else counts as 0 (a sync call is not refused for it). */
    private static int priority(Invocation call) {
        var header = call.headers().get(HeaderNames.PRIORITY);
        if (header == null || header.length() != 1) {
            return 0;
        }
        char c = header.charAt(0);
        return c >= '0' && c <= '9' ? c - '0' : 0;
    }
}
