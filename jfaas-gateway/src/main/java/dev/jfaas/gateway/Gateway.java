package dev.jfaas.gateway;

import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.auth.Credentials;
import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.provider.Provider;
import dev.jfaas.store.NamespaceStore;
import dev.jfaas.store.SecretStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The running gateway: one HTTP server verticle per event loop on one port. Starts once the
 * port is listening; closing stops the HTTP side (the provider and store belong to whoever
 * made them).
 */
public final class Gateway implements AutoCloseable {

    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final int port;

    private Gateway(Vertx vertx, GatewayMetrics metrics, int port) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.port = port;
    }

    public static Gateway start(Vertx vertx, GatewayConfig config, Credentials credentials, Provider provider,
            SecretStore secrets, NamespaceStore namespaces) {
        var metrics = new GatewayMetrics(provider);
        var auth = new BasicAuth(credentials);
        var routes = new GatewayRoutes(config, auth, provider, secrets, namespaces, metrics);
        var parts = new GatewayParts(config, provider, auth, metrics, routes);
        // The first server finds the port (it may be 0 = any); the others share it.
        var first = new GatewayVerticle(parts, config.port());
        await(vertx.deployVerticle(first));
        int port = first.actualPort();
        int more = Math.max(0, config.eventLoops() - 1);
        List<Future<String>> rest = new ArrayList<>();
        if (more > 0) {
            rest.add(vertx.deployVerticle(() -> new GatewayVerticle(parts, port), new DeploymentOptions().setInstances(more)));
        }
        rest.forEach(Gateway::await);
        return new Gateway(vertx, metrics, port);
    }

    public int port() {
        return port;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    private static <T> T await(Future<T> future) {
        return future.toCompletionStage().toCompletableFuture().join();
    }

    @Override
    public void close() {
        for (var id : List.copyOf(vertx.deploymentIDs())) {
            await(vertx.undeploy(id));
        }
        metrics.close();
    }
}
