package dev.jfaas.gateway.system;

import dev.jfaas.gateway.http.Replies;

import dev.jfaas.triggers.Triggers;
import io.vertx.ext.web.Router;
import java.util.Map;

/** {@code GET /system/triggers}: the brokers topics are read from, each schedule and each topic subscription. */
public final class TriggersApi {

    private final Triggers triggers;

    public TriggersApi(Triggers triggers) {
        this.triggers = triggers;
    }

    public void mount(Router router) {
        router.get("/system/triggers").handler(ctx -> {
            var namespace = ctx.queryParam("namespace").isEmpty() ? null : ctx.queryParam("namespace").getFirst();
            var views = triggers.views().stream().filter(v -> namespace == null || v.namespace().equals(namespace)).toList();
            Replies.json(ctx, 200, Map.of("brokers", triggers.brokers(), "triggers", views));
        });
    }
}
