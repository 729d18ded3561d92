package dev.jfaas.gateway;

import dev.jfaas.gateway.entry.InvokeApi;
import dev.jfaas.gateway.entry.AsyncInvokeApi;
import dev.jfaas.gateway.http.Framing;
import dev.jfaas.gateway.invoke.Enqueue;
import dev.jfaas.gateway.invoke.InvokePipeline;
import dev.jfaas.gateway.upstream.UpstreamClient;
import dev.jfaas.eventloop.EventLoopContexts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * One event loop's share of the gateway: an HTTP server (Vert.x spreads connections over the
 * servers sharing the port, one per loop), its own upstream connection pool, and the invoke
 * pipeline. Function calls skip the router: they are the hot path. Started and closed on its
 * loop's context.
 */
final class GatewayLoop {

    private final Context context;
    private final GatewayParts parts;
    private final int port;
    private UpstreamClient client;
    private HttpServer server;
    private ConnectionLimits limits;

    GatewayLoop(Context context, GatewayParts parts, int port) {
        this.context = context;
        this.parts = parts;
        this.port = port;
    }

    Future<HttpServer> start() {
        return EventLoopContexts.on(context, () -> listen(context.owner()));
    }

    Future<?> close() {
        return EventLoopContexts.on(context, () -> {
            limits.close();
            return Future.join(server.close(), client.close());
        });
    }

    private Future<HttpServer> listen(Vertx vertx) {
        client = new UpstreamClient(vertx, UpstreamClient.Options.defaults());
        var config = parts.config();
        var pipeline = InvokePipeline.sync(vertx, client, parts.provider(), parts.auth(), parts.metrics(),
                parts.load(), parts.admit(), parts.bodies(), config.scaleFromZeroTimeout());
        var enqueue = new Enqueue(parts.async().queue(), config.maxAsyncBodySize(), parts.async().wakeWorker(),
                parts.async().callbacks(), parts.async().heldBodies());
        limits = new ConnectionLimits(vertx, config.connections(), parts.openConnections());
        var async = new AsyncInvokeApi(InvokePipeline.accept(parts.provider(), parts.auth(), enqueue), parts.async(),
                config.maxAsyncBodySize());
        var invoke = new InvokeApi(pipeline, async, config.maxBodySize());
        Router router = parts.routes().router(vertx);
        var options = new HttpServerOptions().setTcpNoDelay(true).setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(64 * 1024).setIdleTimeout((int) Math.max(1, config.idleTimeout().toSeconds()))
                .setCompressionSupported(false)
                // HTTP/1.1 only for now: with h2c a body's presence is not in the headers we read.
                .setHttp2ClearTextEnabled(false)
                // curl sends "Expect: 100-continue" before larger bodies and waits a second without it.
                .setHandle100ContinueAutomatically(true);
        var routes = GatewayRoutes.dispatch(invoke, async, router);
        server = vertx.createHttpServer(options).connectionHandler(limits::connected).requestHandler(request -> {
            limits.requestStarted(request);
            if (!Framing.refuse(request)) {
                routes.handle(request);
            }
        });
        return server.listen(port, "0.0.0.0");
    }
}
