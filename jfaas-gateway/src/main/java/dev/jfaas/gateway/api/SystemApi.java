package dev.jfaas.gateway.api;

import dev.jfaas.gateway.metrics.GatewayMetrics;
import io.vertx.ext.web.Router;
import java.util.Map;

/** {@code /system/info}, {@code /healthz}, {@code /metrics}, and {@code /} pointing at the portal. */
public final class SystemApi {

    public static final String RELEASE = "0.1.0";
    public static final String PROVIDER = "jfaas-process";

    private final GatewayMetrics metrics;

    public SystemApi(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    public void mount(Router router) {
        router.get("/system/info").handler(ctx -> Replies.json(ctx, 200, Map.of(
                "provider", Map.of("provider", PROVIDER, "orchestration", "process",
                        "version", Map.of("sha", "", "release", RELEASE)),
                "version", Map.of("sha", "", "release", RELEASE),
                "arch", System.getProperty("os.arch"))));
        router.get("/healthz").handler(ctx -> Replies.text(ctx, 200, "OK"));
        router.get("/metrics").handler(ctx -> ctx.vertx().executeBlocking(metrics::scrape, false)
                .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
                .onFailure(ctx::fail));
        router.get("/").handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", "/ui/").end());
    }
}
