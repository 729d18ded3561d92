package dev.jfaas.gateway.auth;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Lets a request through only with the gateway's basic-auth credentials. */
public final class AuthGuard implements Handler<RoutingContext> {

    private final BasicAuth auth;

    public AuthGuard(BasicAuth auth) {
        this.auth = auth;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (auth.allows(ctx.request().getHeader("Authorization"))) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", BasicAuth.CHALLENGE)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(BasicAuth.FAILURE);
    }
}
