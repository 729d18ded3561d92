package dev.jfaas.gateway.system;

import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.http.RequestBodies;
import dev.jfaas.gateway.http.Blocking;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.provider.Provider;
import dev.jfaas.store.NamespaceStore;
import dev.jfaas.store.Secret;
import dev.jfaas.store.SecretStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * {@code /system/secrets}. Values go in, never out. Never answers 204, which faas-cli treats as
 * an error.
 */
public final class SecretsApi {

    record SecretRequest(String name, String namespace, String value, byte[] rawValue) {}

    record SecretRef(String name, String namespace) {}

    private final SecretStore secrets;
    private final NamespaceStore namespaces;
    private final Provider provider;

    public SecretsApi(SecretStore secrets, NamespaceStore namespaces, Provider provider) {
        this.secrets = secrets;
        this.namespaces = namespaces;
        this.provider = provider;
    }

    public void mount(Router router) {
        router.get("/system/secrets").handler(this::list);
        router.post("/system/secrets").handler(this::create);
        router.put("/system/secrets").handler(this::update);
        router.delete("/system/secrets").handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var ns = RequestBodies.existingNamespace(namespaces, RequestBodies.namespace(ctx));
            return secrets.secretNames(ns).stream().map(name -> new SecretRef(name, ns)).toList();
        }, list -> Replies.json(ctx, 200, list));
    }

    private void create(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var secret = withValue(ctx);
            if (!secrets.createSecret(secret)) {
                throw RequestRejected.conflict("secret " + secret.name() + " already exists in namespace " + secret.namespace());
            }
            return null;
        }, ok -> Replies.text(ctx, 201, ""));
    }

    private void update(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var secret = withValue(ctx);
            if (!secrets.updateSecret(secret)) {
                throw RequestRejected.notFound("secret " + secret.name() + " not found in namespace " + secret.namespace());
            }
            provider.secretChanged(secret.namespace(), secret.name());
            return null;
        }, ok -> Replies.text(ctx, 200, ""));
    }

    private void delete(RoutingContext ctx) {
        Blocking.run(ctx, () -> {
            var request = RequestBodies.json(ctx, SecretRequest.class);
            var ns = checkedNamespace(ctx, request);
            FunctionName.requireLabel("secret name", request.name());
            if (!secrets.deleteSecret(ns, request.name())) {
                throw RequestRejected.notFound("secret " + request.name() + " not found in namespace " + ns);
            }
            provider.secretChanged(ns, request.name());
            return null;
        }, ok -> Replies.text(ctx, 200, ""));
    }

    private Secret withValue(RoutingContext ctx) throws java.io.IOException {
        var request = RequestBodies.json(ctx, SecretRequest.class);
        var ns = checkedNamespace(ctx, request);
        FunctionName.requireLabel("secret name", request.name());
        byte[] value;
        if (request.rawValue() != null && request.rawValue().length > 0) {
            value = request.rawValue();
        } else if (request.value() != null) {
            value = request.value().getBytes(StandardCharsets.UTF_8);
        } else {
            throw RequestRejected.invalid("a secret needs value or rawValue (base64)");
        }
        return new Secret(request.name(), ns, value);
    }

    private String checkedNamespace(RoutingContext ctx, SecretRequest request) {
        var ns = request.namespace() != null && !request.namespace().isEmpty()
                ? request.namespace() : RequestBodies.namespace(ctx);
        FunctionName.requireLabel("namespace", ns);
        return RequestBodies.existingNamespace(namespaces, ns);
    }

}
