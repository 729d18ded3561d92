package dev.jfaas.gateway.http;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.store.NamespaceStore;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;

/** Reading what callers send: JSON bodies into records, and the namespace they ask about. */
public final class RequestBodies {

    private RequestBodies() {}

    public static <T> T json(RoutingContext ctx, Class<T> type) throws IOException {
        var body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw RequestRejected.invalid("a JSON request body is required");
        }
        var value = Replies.JSON.readValue(body.getBytes(), type);
        if (value == null) {
            throw RequestRejected.invalid("a JSON object is required, not null");
        }
        return value;
    }

    /** The {@code namespace} query parameter, or the default; always a valid label. */
    public static String namespace(RoutingContext ctx) {
        List<String> values = ctx.queryParam("namespace");
        var ns = FunctionName.orDefault(values.isEmpty() ? null : values.getFirst());
        FunctionName.requireLabel("namespace", ns);
        return ns;
    }

    public static String existingNamespace(NamespaceStore namespaces, String ns) {
        if (namespaces.namespace(ns).isEmpty()) {
            throw RequestRejected.invalid("namespace " + ns + " does not exist");
        }
        return ns;
    }
}
