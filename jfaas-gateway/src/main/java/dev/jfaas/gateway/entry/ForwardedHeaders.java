package dev.jfaas.gateway.entry;

import dev.jfaas.gateway.http.HeaderNames;
import dev.jfaas.gateway.invoke.HopByHop;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;

/**
 * The headers a function sees: the caller's end-to-end headers plus what the gateway adds, in the
 * request's own map (Vert.x and the connection's limits have read what they need of it, keep-alive
 * and framing included, before the request reaches a handler; the body's kind is taken first).
 */
final class ForwardedHeaders {

    // Names made once as ASCII bytes: set on every call, they are encoded by copying.
    static final CharSequence CALL_ID = HeaderNames.CALL_ID;
    static final CharSequence START_TIME = HttpHeaders.createOptimized("X-Start-Time");
    static final CharSequence DURATION = HttpHeaders.createOptimized("X-Duration-Seconds");
    private static final CharSequence FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
    private static final CharSequence FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");

    private ForwardedHeaders() {}

    /** @param startTime the call's {@link #nowNanos()} as text, as the answer carries it too */
    static MultiMap of(HttpServerRequest request, String callId, String startTime) {
        // The Host header as the caller sent it (Netty's decoder has checked its characters), not
        // Vert.x's authority parsed from it and printed again: the same text, four objects fewer.
        var host = request.headers().get(HttpHeaders.HOST);
        var headers = HopByHop.keepEndToEnd(request.headers(), HttpHeaders.HOST);
        if (host != null && !headers.contains(FORWARDED_HOST)) {
            headers.set(FORWARDED_HOST, host);
        }
        if (!headers.contains(FORWARDED_FOR) && request.remoteAddress() != null) {
            headers.set(FORWARDED_FOR, request.remoteAddress().hostAddress());
        }
        headers.set(CALL_ID, callId);
        headers.set(START_TIME, startTime);
        return headers;
    }

    /** Wall-clock Unix time in nanoseconds, as {@code X-Start-Time} carries it. */
    static long nowNanos() {
        var now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
