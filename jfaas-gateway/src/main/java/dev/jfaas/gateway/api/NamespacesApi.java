package dev.jfaas.gateway.api;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.provider.Provider;
import dev.jfaas.store.Namespace;
import dev.jfaas.store.NamespaceStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** {@code /system/namespaces} and {@code /system/namespace/{ns}}. */
public final class NamespacesApi {

    record NamespaceRequest(String name, Map<String, String> labels, Map<String, String> annotations) {}

    private final NamespaceStore namespaces;
    private final Provider provider;

    public NamespacesApi(NamespaceStore namespaces, Provider provider) {
        this.namespaces = namespaces;
        this.provider = provider;
    }

    public void mount(Router router) {
        router.get("/system/namespaces").handler(this::list);
        router.get("/system/namespace/:ns").handler(this::describe);
        router.post("/system/namespace/:ns").handler(this::create);
        router.put("/system/namespace/:ns").handler(this::update);
        router.delete("/system/namespace/:ns").handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        Blocking.run(ctx, () -> namespaces.namespaces().stream().map(Namespace::name).toList(),
                names -> Replies.json(ctx, 200, names));
    }

    private void describe(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var ns = label(ctx);
            return namespaces.namespace(ns).orElseThrow(() -> RequestRejected.notFound("namespace " + ns + " not found"));
        }, ns -> Replies.json(ctx, 200, ns));
    }

    private void create(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var ns = fromBody(ctx);
            if (!namespaces.createNamespace(ns)) {
                throw RequestRejected.conflict("namespace " + ns.name() + " already exists");
            }
            return ns;
        }, ns -> Replies.json(ctx, 201, ns));
    }

    private void update(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var ns = fromBody(ctx);
            if (!namespaces.updateNamespace(ns)) {
                throw RequestRejected.notFound("namespace " + ns.name() + " not found");
            }
            return ns;
        }, ns -> Replies.json(ctx, 202, ns));
    }

    private void delete(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var ns = label(ctx);
            if (ns.equals(FunctionName.DEFAULT_NAMESPACE)) {
                throw RequestRejected.invalid("the default namespace " + ns + " cannot be deleted");
            }
            if (!provider.list(ns).isEmpty()) {
                throw RequestRejected.invalid("namespace " + ns + " still has functions; remove them first");
            }
            if (!namespaces.deleteNamespace(ns)) {
                throw RequestRejected.notFound("namespace " + ns + " not found");
            }
            return null;
        }, ok -> Replies.text(ctx, 202, ""));
    }

    private static String label(RoutingContext ctx) {
        var ns = ctx.pathParam("ns");
        FunctionName.requireLabel("namespace", ns);
        return ns;
    }

    private static Namespace fromBody(RoutingContext ctx) throws java.io.IOException {
        var ns = label(ctx);
        var body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            return new Namespace(ns, Map.of(), Map.of());
        }
        var request = RequestBodies.json(ctx, NamespaceRequest.class);
        if (request.name() != null && !request.name().isEmpty() && !request.name().equals(ns)) {
            throw RequestRejected.invalid("namespace name in the body (" + request.name() + ") differs from the URL (" + ns + ")");
        }
        return new Namespace(ns, request.labels(), request.annotations());
    }
}
