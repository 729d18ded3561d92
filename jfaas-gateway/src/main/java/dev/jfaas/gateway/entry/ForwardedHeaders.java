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
    private static final CharSequence FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
    private static final CharSequence FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");

    private ForwardedHeaders() {}

    /** @param startTime the call's {@link #nowNanos()} as text, as the answer carries it too */
    static MultiMap of(HttpServerRequest request, String callId, String startTime) {
        // The Host header as the caller sent it, when it is a host and port, not Vert.x's authority
        // parsed from it and printed again: the same text, four objects fewer.
        var host = request.headers().get(HttpHeaders.HOST);
        var headers = HopByHop.keepEndToEnd(request.headers(), HttpHeaders.HOST);
        if (isAuthority(host) && !headers.contains(FORWARDED_HOST)) {
            headers.set(FORWARDED_HOST, host);
        }
        if (!headers.contains(FORWARDED_FOR) && request.remoteAddress() != null) {
            headers.set(FORWARDED_FOR, request.remoteAddress().hostAddress());
        }
        headers.set(HeaderNames.CALL_ID, callId);
        headers.set(HeaderNames.START_TIME, startTime);
        return headers;
    }

    /**
     * Whether {@code host} is a host, with a port or not: a name, an IPv4 address or a bracketed
     * IPv6 one, and digits after the last colon. What Vert.x would not read as an authority (a path,
     * user info, a list) is not passed on as the host the caller asked for.
     */
    static boolean isAuthority(String host) {
        if (host == null || host.isEmpty() || host.length() > 262) {
            return false;
        }
        int end = host.length();
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.lastIndexOf(']') < colon) {
            if (colon == end - 1 || end - colon - 1 > 5) {
                return false;
            }
            int port = 0;
            for (int i = colon + 1; i < end; i++) {
                char c = host.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
                port = port * 10 + (c - '0');
            }
            if (port > 65535) {
                return false;
            }
            end = colon;
        }
        if (end == 0) {
            return false;
        }
        boolean bracketed = host.charAt(0) == '[';
        if (bracketed != (host.charAt(end - 1) == ']')) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == '_' || (bracketed && (c == ':' || c == '[' || c == ']'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Wall-clock Unix time in nanoseconds, as {@code X-Start-Time} carries it. */
    static long nowNanos() {
        var now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
