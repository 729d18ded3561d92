package dev.jfaas.invoke;

import dev.jfaas.function.FunctionName;
import dev.jfaas.provider.DeployedFunction;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

/**
 * One call to a function as it flows through the pipeline. Sync and async calls share this shape;
 * only the edge that builds it differs.
 *
 * @param path the path after the function name, always starting with "/"
 * @param query the raw query string, or empty
 * @param startNanos wall-clock Unix time in nanoseconds when the gateway received the call
 * @param target the resolved function, null until the resolve stage has run
 * @param cancellation fired when the call should stop (caller gone, async call cancelled)
 */
public record Invocation(
        String callId,
        FunctionName function,
        HttpMethod method,
        String path,
        String query,
        MultiMap headers,
        Body body,
        long startNanos,
        DeployedFunction target,
        Cancellation cancellation) {

    public Invocation withTarget(DeployedFunction resolved) {
        return new Invocation(callId, function, method, path, query, headers, body, startNanos, resolved, cancellation);
    }

    public Invocation withBody(Body replaced) {
        return new Invocation(callId, function, method, path, query, headers, replaced, startNanos, target, cancellation);
    }

    /** The path and query as sent upstream. */
    public String uri() {
        return query.isEmpty() ? path : path + "?" + query;
    }
}
