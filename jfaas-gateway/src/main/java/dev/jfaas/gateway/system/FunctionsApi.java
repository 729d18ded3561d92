package dev.jfaas.gateway.system;

import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.http.RequestBodies;
import dev.jfaas.gateway.http.Blocking;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.provider.Provider;
import dev.jfaas.store.NamespaceStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /system/functions}, {@code /system/function/{name}} and {@code /system/scale-function/{name}}. */
public final class FunctionsApi {

    record DeleteRequest(String functionName, String namespace) {}

    record ScaleRequest(String serviceName, Long replicas, String namespace) {}

    private final Provider provider;
    private final NamespaceStore namespaces;

    public FunctionsApi(Provider provider, NamespaceStore namespaces) {
        this.provider = provider;
        this.namespaces = namespaces;
    }

    public void mount(Router router) {
        router.get("/system/functions").handler(this::list);
        router.post("/system/functions").handler(this::deploy);
        router.put("/system/functions").handler(this::update);
        router.delete("/system/functions").handler(this::remove);
        router.get("/system/function/:name").handler(this::describe);
        router.post("/system/scale-function/:name").handler(this::scale);
    }

    private void list(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var ns = RequestBodies.existingNamespace(namespaces, RequestBodies.namespace(ctx));
            return provider.list(ns);
        }, functions -> Replies.json(ctx, 200, functions));
    }

    private void deploy(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            provider.deploy(RequestBodies.json(ctx, FunctionDeployment.class));
            return null;
        }, ok -> Replies.text(ctx, 202, ""));
    }

    private void update(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            provider.update(RequestBodies.json(ctx, FunctionDeployment.class));
            return null;
        }, ok -> Replies.text(ctx, 202, ""));
    }

    private void remove(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var request = RequestBodies.json(ctx, DeleteRequest.class);
            if (request.functionName() == null || request.functionName().isEmpty()) {
                throw RequestRejected.invalid("functionName is required");
            }
            var ns = request.namespace() != null ? request.namespace() : RequestBodies.namespace(ctx);
            provider.remove(FunctionName.of(request.functionName(), ns));
            return null;
        }, ok -> Replies.text(ctx, 202, ""));
    }

    private void describe(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var name = FunctionName.parse(ctx.pathParam("name"), RequestBodies.namespace(ctx));
            return provider.status(name).orElseThrow(() -> RequestRejected.notFound("function " + name + " not found"));
        }, status -> Replies.json(ctx, 200, status));
    }

    private void scale(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var request = RequestBodies.json(ctx, ScaleRequest.class);
            if (request.replicas() == null) {
                throw RequestRejected.invalid("replicas is required");
            }
            if (request.replicas() < 0 || request.replicas() > Integer.MAX_VALUE) {
                throw RequestRejected.invalid("invalid replicas " + request.replicas() + ": use 0 or more");
            }
            var ns = request.namespace() != null && !request.namespace().isEmpty()
                    ? request.namespace() : RequestBodies.namespace(ctx);
            var name = FunctionName.parse(ctx.pathParam("name"), ns);
            provider.scale(name, request.replicas().intValue());
            return null;
        }, ok -> Replies.text(ctx, 202, ""));
    }

}
