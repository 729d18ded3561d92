package dev.jfaas.gateway;

import dev.jfaas.gateway.entry.AsyncCalls;
import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.invoke.Admit;
import dev.jfaas.gateway.invoke.ReceivedBodies;
import dev.jfaas.gateway.scaling.LoadTracker;
import dev.jfaas.gateway.auth.Credentials;
import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.gateway.system.ImagesApi;
import dev.jfaas.health.HealthChecks;
import dev.jfaas.triggers.Triggers;
import dev.jfaas.provider.Provider;
import dev.jfaas.store.NamespaceStore;
import dev.jfaas.store.SecretStore;
import dev.jfaas.eventloop.EventLoopContexts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.util.concurrent.CompletionException;
import java.util.ArrayList;
import java.util.List;

/**
 * The running gateway: one HTTP server per event loop on one port. Starts once the
 * port is listening; closing stops the HTTP side (the provider, queue, store and metrics belong
 * to whoever made them).
 */
public final class Gateway implements AutoCloseable {

    private final GatewayMetrics metrics;
    private final int port;
    private final List<GatewayLoop> loops;

    private Gateway(GatewayMetrics metrics, int port, List<GatewayLoop> loops) {
        this.metrics = metrics;
        this.port = port;
        this.loops = loops;
    }

    public static Gateway start(Vertx vertx, GatewayConfig config, Credentials credentials, Provider provider,
            SecretStore secrets, NamespaceStore namespaces, AsyncCalls async, GatewayMetrics metrics, Admit admit, ReceivedBodies bodies,
            LoadTracker load, HealthChecks health, ImagesApi images, Triggers triggers) {
        var auth = new BasicAuth(credentials);
        var routes = new GatewayRoutes(config, auth, provider, secrets, namespaces, metrics, async, health, images, triggers);
        var open = new OpenConnections(config.connections().max());
        var closedBy = new java.util.LinkedHashMap<String, java.util.function.LongSupplier>();
        for (var why : OpenConnections.Closure.values()) {
            closedBy.put(why.label(), () -> open.closures(why));
        }
        metrics.connections(open::count, closedBy);
        var parts = new GatewayParts(config, provider, auth, metrics, routes, async, admit, bodies, load, open);
        // Vert.x shares one listening socket among servers asking for the same port number, but
        // each asking for port 0 would get a port of its own: so pick the free port first, and try
        // again should another process take it in between.
        var contexts = EventLoopContexts.spread(vertx, Math.max(1, config.eventLoops()));
        for (int attempt = 1; ; attempt++) {
            int port = config.port() == 0 ? freePort() : config.port();
            var loops = new ArrayList<GatewayLoop>();
            try {
                for (var context : contexts) { // the first binds the port, the others join it
                    var loop = new GatewayLoop(context, parts, port);
                    await(loop.start());
                    loops.add(loop);
                }
                return new Gateway(metrics, port, List.copyOf(loops));
            } catch (CompletionException e) {
                close(loops);
                boolean taken = e.getCause() instanceof BindException
                        || String.valueOf(e.getCause().getMessage()).contains("Address already in use");
                if (taken && config.port() != 0) {
                    throw portInUse(port);
                }
                if (config.port() != 0 || attempt == 5 || !taken) {
                    throw e;
                }
            }
        }
    }

    /**
     * Fails at once, before a start has written anything, when another program listens on the
     * port (what binding it later would find out only after the stores are opened).
     */
    public static void checkPortFree(int port) {
        if (port == 0) {
            return;
        }
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the gateway's own server: a port in TIME_WAIT is free
            socket.bind(new java.net.InetSocketAddress(port));
        } catch (IOException e) {
            throw portInUse(port);
        }
    }

    private static IllegalStateException portInUse(int port) {
        return new IllegalStateException("port " + port + " is in use (another gateway or program listens there): "
                + "choose another with -p or JFAAS_PORT (0 picks a free one)");
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
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
        close(loops);
    }

    private static void close(List<GatewayLoop> loops) {
        for (var loop : loops) {
            await(loop.close());
        }
    }
}
