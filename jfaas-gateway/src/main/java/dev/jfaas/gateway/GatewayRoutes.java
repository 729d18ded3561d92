package dev.jfaas.gateway;

import dev.jfaas.gateway.api.AsyncCalls;
import dev.jfaas.gateway.api.CallsApi;
import dev.jfaas.gateway.api.FunctionsApi;
import dev.jfaas.gateway.api.ImagesApi;
import dev.jfaas.gateway.api.QueuesApi;
import dev.jfaas.gateway.api.TriggersApi;
import dev.jfaas.gateway.api.LogsApi;
import dev.jfaas.gateway.api.NamespacesApi;
import dev.jfaas.gateway.api.Replies;
import dev.jfaas.gateway.api.SecretsApi;
import dev.jfaas.gateway.api.SystemApi;
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
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/** The routes other than function calls: the OpenFaaS system API, behind basic auth. */
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
