package dev.jfaas.gateway.entry;

import dev.jfaas.gateway.invoke.HopByHop;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;

/** The headers a function sees: the caller's end-to-end headers plus what the gateway adds. */
final class ForwardedHeaders {

    // Names made once as ASCII bytes: set on every call, they are encoded by copying.
    static final CharSequence CALL_ID = HttpHeaders.createOptimized("X-Call-Id");
    static final CharSequence START_TIME = HttpHeaders.createOptimized("X-Start-Time");
    static final CharSequence DURATION = HttpHeaders.createOptimized("X-Duration-Seconds");
    private static final CharSequence FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
    private static final CharSequence FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");

    private ForwardedHeaders() {}

    static MultiMap of(HttpServerRequest request, String callId, long startNanos) {
        var headers = HopByHop.copyEndToEnd(request.headers(), MultiMap.caseInsensitiveMultiMap(), "Host");
        var authority = request.authority();
        if (!headers.contains(FORWARDED_HOST) && authority != null) {
            headers.set(FORWARDED_HOST, authority.toString());
        }
        if (!headers.contains(FORWARDED_FOR) && request.remoteAddress() != null) {
            headers.set(FORWARDED_FOR, request.remoteAddress().hostAddress());
        }
        headers.set(CALL_ID, callId);
        headers.set(START_TIME, Long.toString(startNanos));
        return headers;
    }

    /** Wall-clock Unix time in nanoseconds, as {@code X-Start-Time} carries it. */
    static long nowNanos() {
        var now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
