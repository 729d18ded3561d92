package dev.jfaas.ui;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The portal's files at {@code /ui/}: a page of ES modules that talks to the gateway's own
 * {@code /system} API (so the portal can do nothing the API does not allow, and dogfoods it).
 * Mounted behind the gateway's basic auth and its same-origin guard; the pages may load nothing
 * but their own files (Content-Security-Policy), and may not be framed.
 */
public final class Portal {

    static final String FILES = "dev/jfaas/ui/static";
    static final String POLICY = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";

    private Portal() {}

    public static void mount(Router router) {
        // Vert.x matches "/ui" and "/ui/" alike: only the bare path is sent on to the page.
        router.get("/ui").handler(ctx -> {
            if (ctx.request().path().equals("/ui")) {
                ctx.response().setStatusCode(302).putHeader("Location", "/ui/").end();
            } else {
                ctx.next();
            }
        });
        router.route("/ui/*").handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", POLICY).putHeader("X-Frame-Options", "DENY")
                    .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer");
            ctx.next();
        });
        router.route("/ui/*").handler(StaticHandler.create(FILES).setCachingEnabled(false).setIndexPage("index.html"));
    }
}
