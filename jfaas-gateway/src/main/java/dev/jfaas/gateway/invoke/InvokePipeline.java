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
 * The invoke path, assembled. Sync calls run it whole; async calls were resolved and authorized
 * when they were accepted, so workers start at the measure stage.
 */
public final class InvokePipeline {

    private InvokePipeline() {}

    public static Pipeline sync(Vertx vertx, UpstreamClient client, Provider provider, BasicAuth auth,
            GatewayMetrics metrics, LoadTracker load, Admit admit, Duration scaleFromZeroTimeout) {
        return Pipeline.of(
                new Resolve(provider),
                new Authorize(auth),
                new Measure(metrics, load),
                new Deadlines(vertx),
                admit,
                new ScaleFromZero(vertx, scaleFromZeroTimeout, metrics),
                new Forward(vertx, client));
    }

    public static Pipeline async(Vertx vertx, UpstreamClient client, Provider provider, GatewayMetrics metrics,
            LoadTracker load, Admit admit, Duration scaleFromZeroTimeout) {
        return Pipeline.of(
                new Resolve(provider),
                new Measure(metrics, load),
                new Deadlines(vertx),
                admit,
                new ScaleFromZero(vertx, scaleFromZeroTimeout, metrics),
                new Forward(vertx, client));
    }
}
