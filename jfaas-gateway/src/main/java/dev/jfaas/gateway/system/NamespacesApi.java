package dev.jfaas.gateway.system;

import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.http.RequestBodies;
import dev.jfaas.gateway.http.Blocking;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.provider.Provider;
import dev.jfaas.store.Namespace;
import dev.jfaas.store.NamespaceStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code /system/namespaces} and {@code /system/namespace/{ns}}. faas-cli creates a namespace with
 * {@code POST /system/namespace/} and the name in the body, so the name may come from either place
 * (they must agree when both are given).
 */
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
        router.post("/system/namespace/").handler(this::create);
        router.put("/system/namespace/").handler(this::update);
        router.delete("/system/namespace/").handler(this::delete);
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
            var ns = fromBody(ctx).name();
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

    /** The namespace the request names, in the URL, the body, or both. */
    private static Namespace fromBody(RoutingContext ctx) throws java.io.IOException {
        var inPath = ctx.pathParam("ns");
        var body = ctx.body().buffer();
        var request = body == null || body.length() == 0 ? new NamespaceRequest(null, Map.of(), Map.of())
                : RequestBodies.json(ctx, NamespaceRequest.class);
        var inBody = request.name() == null || request.name().isEmpty() ? null : request.name();
        if (inPath != null && inBody != null && !inBody.equals(inPath)) {
            throw RequestRejected.invalid("namespace name in the body (" + inBody + ") differs from the URL (" + inPath + ")");
        }
        var ns = inPath != null ? inPath : inBody;
        if (ns == null) {
            throw RequestRejected.invalid("name the namespace: in the URL (/system/namespace/NAME) or as \"name\" in the body");
        }
        FunctionName.requireLabel("namespace", ns);
        return new Namespace(ns, request.labels() == null ? Map.of() : request.labels(),
                request.annotations() == null ? Map.of() : request.annotations());
    }
}
