package dev.jfaas.gateway.auth;

import dev.jfaas.gateway.http.Replies;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses what a browser could be made to send on the admin's behalf (CSRF): a request that
 * changes something, carries a browser's marks ({@code Origin}, {@code Sec-Fetch-Site}) and comes
 * from another site, unless it carries the portal's own header, which another site cannot set
 * without a preflight that the gateway never grants. From a browser, a body must also be JSON,
 * which a plain cross-site form cannot send. Clients that are not browsers (faas-cli, curl, the
 * jfaas CLI) send none of these headers and are not affected.
 */
public final class SameOriginGuard implements Handler<RoutingContext> {

    /** Sent by the portal's own pages; a cross-site page cannot add it to a simple request. */
    public static final String PORTAL_HEADER = "X-Jfaas-Portal";

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    @Override
    public void handle(RoutingContext ctx) {
        var request = ctx.request();
        if (SAFE.contains(request.method())) {
            ctx.next();
            return;
        }
        var origin = request.getHeader("Origin");
        var site = request.getHeader("Sec-Fetch-Site");
        boolean fromBrowser = origin != null || site != null;
        if (!fromBrowser) {
            ctx.next();
            return;
        }
        boolean sameSite = site != null ? site.equals("same-origin") || site.equals("none") : sameOrigin(origin, request.authority());
        if (!sameSite && request.getHeader(PORTAL_HEADER) == null) {
            Replies.error(request, 403, "cross-site request refused: " + request.method() + " " + request.path()
                    + " from " + (origin != null ? origin : site) + " (the gateway's API changes nothing for another site's pages)");
            return;
        }
        var type = request.getHeader("Content-Type");
        boolean hasBody = request.getHeader("Content-Length") != null && !"0".equals(request.getHeader("Content-Length").strip())
                || request.getHeader("Transfer-Encoding") != null;
        boolean archive = request.path().equals("/system/images"); // an image upload is a tar, not JSON
        if (hasBody && !archive && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
            Replies.error(request, 415, "a browser's request to " + request.path() + " must send Content-Type: application/json");
            return;
        }
        ctx.next();
    }

    private static boolean sameOrigin(String origin, io.vertx.core.net.HostAndPort authority) {
        if (authority == null || origin.equals("null")) {
            return false;
        }
        try {
            var uri = URI.create(origin);
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            int ours = authority.port() > 0 ? authority.port() : 80;
            return uri.getHost() != null && uri.getHost().equalsIgnoreCase(authority.host()) && port == ours;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
