package dev.jfaas.invoke;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * What a call produced: the function's own answer, or an error made by jfaas itself. The latter
 * carry {@code internalStage}, sent as {@code X-Jfaas-Internal}, so callers and the retry logic
 * can tell them from a function's own status.
 */
public record InvocationResult(int status, MultiMap headers, Body body, String internalStage) {

    public static final String INTERNAL_HEADER = "X-Jfaas-Internal";

    public static InvocationResult of(int status, MultiMap headers, Body body) {
        return new InvocationResult(status, headers, body, null);
    }

    /** An error made by jfaas at {@code stage}, with a short plain-text message as OpenFaaS sends. */
    public static InvocationResult internal(int status, String stage, String message) {
        var headers = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "text/plain; charset=utf-8")
                .add(INTERNAL_HEADER, stage);
        return new InvocationResult(status, headers, Body.of(Buffer.buffer(message)), stage);
    }

    public boolean isInternal() {
        return internalStage != null;
    }
}
