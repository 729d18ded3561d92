package dev.jfaas.gateway.api;

import dev.jfaas.gateway.invoke.HopByHop;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;

/** The headers a function sees: the caller's end-to-end headers plus what the gateway adds. */
final class ForwardedHeaders {

    private ForwardedHeaders() {}

    static MultiMap of(HttpServerRequest request, String callId, long startNanos) {
        var headers = HopByHop.copyEndToEnd(request.headers(), MultiMap.caseInsensitiveMultiMap(), "Host");
        var authority = request.authority();
        if (!headers.contains("X-Forwarded-Host") && authority != null) {
            headers.set("X-Forwarded-Host", authority.toString());
        }
        if (!headers.contains("X-Forwarded-For") && request.remoteAddress() != null) {
            headers.set("X-Forwarded-For", request.remoteAddress().hostAddress());
        }
        headers.set("X-Call-Id", callId);
        headers.set("X-Start-Time", Long.toString(startNanos));
        return headers;
    }

    /** Wall-clock Unix time in nanoseconds, as {@code X-Start-Time} carries it. */
    static long nowNanos() {
        var now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
