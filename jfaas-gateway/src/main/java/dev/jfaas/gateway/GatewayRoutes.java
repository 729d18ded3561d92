package dev.jfaas.gateway;

import dev.jfaas.gateway.entry.AsyncCalls;
import dev.jfaas.gateway.entry.AsyncInvokeApi;
import dev.jfaas.gateway.entry.InvokeApi;
import dev.jfaas.gateway.system.CallsApi;
import dev.jfaas.gateway.system.FunctionsApi;
import dev.jfaas.gateway.system.ImagesApi;
import dev.jfaas.gateway.system.QueuesApi;
import dev.jfaas.gateway.system.TriggersApi;
import dev.jfaas.gateway.system.LogsApi;
import dev.jfaas.gateway.system.NamespacesApi;
import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.system.SecretsApi;
import dev.jfaas.gateway.system.SystemApi;
import dev.jfaas.gateway.auth.AuthGuard;
import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.gateway.auth.SameOriginGuard;
import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.health.HealthChecks;
import dev.jfaas.triggers.Triggers;
import dev.jfaas.ui.Portal;
import dev.jfaas.provider.Provider;
import dev.jfaas.store.NamespaceStore;
import dev.jfaas.store.SecretStore;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Every route of the gateway, in one place. Function calls are the hot path: they are told apart
 * by their prefix before any router; everything else goes through the router below, where
 * {@code /system} and {@code /ui} are behind basic auth and the same-origin guard (CSRF).
 *
 * <pre>
 * /function/{name}[.{ns}][/path]          entry.InvokeApi        sync: the sync chain (InvokePipeline.sync)
 * /async-function/{name}[.{ns}][/path]     entry.AsyncInvokeApi   accept: the accept chain; DELETE cancels
 * /system/functions, /system/function/{n}, system.FunctionsApi    deploy, update, remove, list, describe, scale
 *   /system/scale-function/{n}
 * /system/secrets                          system.SecretsApi      OpenFaaS secrets, sealed at rest
 * /system/namespaces, /system/namespace/…  system.NamespacesApi
 * /system/logs                             system.LogsApi         OpenFaaS's NDJSON logs, follow
 * /system/images, /system/images/pull      system.ImagesApi       image archives in, pulls, list, remove
 * /system/calls[/{id}[/result|/request|/replay]]  system.CallsApi async calls and their results
 * /system/queues[/{q}[/dead-letters…]]     system.QueuesApi       queue depths, dead letters
 * /system/triggers                         system.TriggersApi     topics and schedules, their state
 * /system/info, /system/health, /healthz,  system.SystemApi       (/healthz and /metrics need no auth)
 *   /metrics, /system/metrics/history, / (to /ui/)
 * /ui/…                                    jfaas-ui's Portal      the portal's pages
 * </pre>
 */
final class GatewayRoutes {

    private static final long MAX_API_BODY = 8L << 20;

    private final GatewayConfig config;
    private final BasicAuth auth;
    private final Provider provider;
    private final SecretStore secrets;
    private final NamespaceStore namespaces;
    private final GatewayMetrics metrics;
    private final AsyncCalls async;
    private final HealthChecks health;
    private final ImagesApi images;
    private final Triggers triggers;

    GatewayRoutes(GatewayConfig config, BasicAuth auth, Provider provider, SecretStore secrets,
            NamespaceStore namespaces, GatewayMetrics metrics, AsyncCalls async, HealthChecks health, ImagesApi images,
            Triggers triggers) {
        this.async = async;
        this.health = health;
        this.images = images;
        this.triggers = triggers;
        this.config = config;
        this.auth = auth;
        this.provider = provider;
        this.secrets = secrets;
        this.namespaces = namespaces;
        this.metrics = metrics;
    }

    /** The gateway's request handler: function calls by prefix, the rest through the router. */
    static Handler<HttpServerRequest> dispatch(InvokeApi invoke, AsyncInvokeApi async, Router router) {
        return request -> {
            if (request.path().startsWith(InvokeApi.PREFIX)) {
                invoke.handle(request);
            } else if (request.path().startsWith(AsyncInvokeApi.PREFIX)) {
                async.handle(request);
            } else {
                router.handle(request);
            }
        };
    }

    Router router(Vertx vertx) {
        var router = Router.router(vertx);
        var sameOrigin = new SameOriginGuard();
        router.route("/system/*").handler(sameOrigin);
        router.route("/ui/*").handler(sameOrigin);
        if (config.basicAuth()) {
            var guard = new AuthGuard(auth);
            router.route("/system/*").handler(guard);
            router.route("/ui/*").handler(guard);
        }
        images.mountUpload(router); // streams its body to disk: before the body handler, which holds bodies whole
        router.route("/system/*").handler(BodyHandler.create(false).setBodyLimit(MAX_API_BODY));
        images.mount(router);
        new FunctionsApi(provider, namespaces).mount(router);
        new SecretsApi(secrets, namespaces, provider).mount(router);
        new NamespacesApi(namespaces, provider).mount(router);
        new LogsApi(provider).mount(router);
        new SystemApi(metrics, provider, health).mount(router);
        new CallsApi(async).mount(router);
        new QueuesApi(async, provider).mount(router);
        new TriggersApi(triggers).mount(router);
        Portal.mount(router);
        router.route().last().handler(ctx -> Replies.error(ctx.request(), 404, "not found: " + ctx.request().path()));
        router.route().failureHandler(ctx -> {
            if (ctx.failure() != null) {
                Replies.fail(ctx, ctx.failure());
            } else {
                Replies.error(ctx.request(), ctx.statusCode(), statusText(ctx.statusCode()));
            }
        });
        return router;
    }

    private static String statusText(int status) {
        return switch (status) {
            case 405 -> "method not allowed";
            case 413 -> "request body too large";
            case 404 -> "not found";
            default -> "request failed";
        };
    }
}
