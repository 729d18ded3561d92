package dev.jfaas.gateway.system;

import dev.jfaas.gateway.http.Replies;

import dev.jfaas.gateway.metrics.GatewayMetrics;
import dev.jfaas.health.HealthChecks;
import dev.jfaas.provider.Provider;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /system/info}, {@code /healthz} and {@code /system/health} (each part by name), {@code /metrics}, and {@code /} pointing at the portal. */
public final class SystemApi {

    public static final String RELEASE = "0.1.0";
    public static final String PROVIDER = "jfaas-process";
    /** The commit this build was made from (recorded by the build), or "unknown" outside a git checkout. */
    public static final String SHA = buildCommit();

    private final GatewayMetrics metrics;
    private final Provider provider;
    private final HealthChecks health;

    public SystemApi(GatewayMetrics metrics, Provider provider, HealthChecks health) {
        this.metrics = metrics;
        this.provider = provider;
        this.health = health;
    }

    public void mount(Router router) {
        router.get("/system/info").handler(ctx -> {
            var providerInfo = new LinkedHashMap<String, Object>();
            providerInfo.put("provider", PROVIDER);
            providerInfo.put("orchestration", "process");
            providerInfo.put("version", Map.of("sha", SHA, "release", RELEASE));
            providerInfo.putAll(provider.info());
            Replies.json(ctx, 200, Map.of("provider", providerInfo, "version", Map.of("sha", SHA, "release", RELEASE),
                    "arch", System.getProperty("os.arch")));
        });
        router.get("/healthz").handler(ctx -> health.problem().ifPresentOrElse(
                problem -> Replies.error(ctx.request(), 503, problem), () -> Replies.text(ctx, 200, "OK")));
        router.get("/system/health").handler(ctx -> {
            var states = health.states(); // each part asked once
            boolean healthy = states.stream().allMatch(HealthChecks.State::healthy);
            Replies.json(ctx, healthy ? 200 : 503, Map.of("healthy", healthy, "parts", states));
        });
        router.get("/metrics").handler(ctx -> ctx.vertx().executeBlocking(metrics::scrape, false)
                .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
                .onFailure(ctx::fail));
        // the portal's overview starts from the last hour the gateway kept
        router.get("/system/metrics/history").handler(ctx -> Replies.json(ctx, 200, metrics.history().columns()));
        router.get("/").handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", "/ui/").end());
    }

    private static String buildCommit() {
        try (var in = SystemApi.class.getResourceAsStream("/dev/jfaas/gateway/git.properties")) {
            if (in != null) {
                var properties = new java.util.Properties();
                properties.load(in);
                var sha = properties.getProperty("git.commit.id", "");
                if (!sha.isBlank()) {
                    return "true".equals(properties.getProperty("git.dirty")) ? sha + "-dirty" : sha;
                }
            }
        } catch (java.io.IOException ignored) {
            // reported as unknown below
        }
        return "unknown";
    }
}
