package dev.jfaas.gateway.invoke;

import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.gateway.scaling.LoadTracker;
import dev.jfaas.invoke.Pipeline;
import dev.jfaas.provider.Provider;
import io.vertx.core.Vertx;
import dev.jfaas.gateway.upstream.UpstreamClient;
import java.time.Duration;

/**
 * The invoke paths, assembled in one place. Every entry goes through one of these chains, and
 * each stage is one class with a test of its own beside it:
 *
 * <pre>
 * entry                                        chain
 * /function/… (curl, faas-cli, the portal)     sync:   Resolve → Authorize → Measure → Deadlines → Receive → Admit → ScaleFromZero → Forward
 * /async-function/…, X-Invoke-Mode: async,     accept: Resolve → Authorize → Enqueue
 *   Prefer: respond-async
 * a trigger event (broker message, schedule)  trigger: Resolve → Authorize(subscribed) → Enqueue
 * a queued call, leased by a worker            run:    Resolve → Authorize(accepted) → Measure → Deadlines → Admit → ScaleFromZero → Forward
 * a standalone worker                          calls /function/… on a gateway: the sync chain
 * </pre>
 *
 * The order: a call to nothing is a 404 before anything else; the gateway's credentials are
 * checked and removed before anything measures, forwards or stores the call; admission comes after
 * measuring (a call waiting for a slot counts as started) and before a replica is asked for, and
 * only once the call's body has arrived (a slow sender holds its connection, not a slot); a queued
 * call's body is already whole.
 */
public final class InvokePipeline {

    private InvokePipeline() {}

    public static Pipeline sync(Vertx vertx, UpstreamClient client, Provider provider, BasicAuth auth,
            GatewayMetrics metrics, LoadTracker load, Admit admit, ReceivedBodies bodies, Duration scaleFromZeroTimeout) {
        return Pipeline.of(
                new Resolve(provider),
                Authorize.atEntry(auth),
                new Measure(metrics, load),
                new Deadlines(vertx),
                new Receive(vertx, bodies),
                admit,
                new ScaleFromZero(vertx, scaleFromZeroTimeout, metrics),
                new Forward(client));
    }

    /** Accepting an async call: it is stored as the stages before Enqueue left it. */
    public static Pipeline accept(Provider provider, BasicAuth auth, Enqueue enqueue) {
        return Pipeline.of(
                new Resolve(provider),
                Authorize.atEntry(auth),
                enqueue);
    }

    /**
     * Accepting a trigger's event: the function's own deployment subscribed it (as an OpenFaaS
     * connector calls with the gateway's credentials), so it is not asked for them; whatever
     * credentials a message carries are still removed before it is stored.
     */
    public static Pipeline trigger(Provider provider, BasicAuth auth, Enqueue enqueue) {
        return Pipeline.of(
                new Resolve(provider),
                Authorize.subscribed(auth),
                enqueue);
    }

    /** Running a queued call, authorized when it was accepted. */
    public static Pipeline run(Vertx vertx, UpstreamClient client, Provider provider, BasicAuth auth, GatewayMetrics metrics,
            LoadTracker load, Admit admit, Duration scaleFromZeroTimeout) {
        return Pipeline.of(
                new Resolve(provider),
                Authorize.accepted(auth),
                new Measure(metrics, load),
                new Deadlines(vertx),
                admit,
                new ScaleFromZero(vertx, scaleFromZeroTimeout, metrics),
                new Forward(client));
    }
}
