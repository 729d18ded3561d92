package dev.jfaas.gateway.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Requests refused before any route sees them, because they are malformed in ways that lead to
 * confusion between the gateway and what is behind it (RFC 9112): HTTP/1.1 without Host, a
 * Transfer-Encoding that is not plain chunked, or one beside a Content-Length (request smuggling),
 * and percent-escapes that do not decode.
 */
public final class Framing {

    private Framing() {}

    /** Answers and returns true when the request must go no further. */
    public static boolean refuse(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_1_1 && request.getHeader(HttpHeaderNames.HOST) == null) {
            return reject(request, 400, "an HTTP/1.1 request needs a Host header");
        }
        var encoding = request.getHeader(HttpHeaderNames.TRANSFER_ENCODING);
        if (encoding != null) {
            if (request.getHeader(HttpHeaderNames.CONTENT_LENGTH) != null) {
                return reject(request, 400, "a request may not have both Transfer-Encoding and Content-Length");
            }
            if (!encoding.strip().equalsIgnoreCase("chunked")) {
                return reject(request, 501, "Transfer-Encoding \"" + encoding + "\" is not supported: use chunked");
            }
        }
        if (!escapesDecode(request.path())) {
            return reject(request, 400, "the path has a % that is not followed by two hex digits");
        }
        return false;
    }

    private static boolean reject(HttpServerRequest request, int status, String message) {
        // The connection's framing cannot be trusted past this request.
        request.response().putHeader("Connection", "close");
        Replies.error(request, status, message);
        return true;
    }

    public static boolean escapesDecode(String path) {
        if (path == null) {
            return true;
        }
        for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
            if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** A Content-Length header's value; one that is no number counts as too large. */
    public static long contentLength(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
