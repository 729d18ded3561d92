package dev.jfaas.gateway.invoke;

import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.vertx.core.Future;

/**
 * Functions are public unless they ask otherwise: with the annotation {@code com.jfaas.auth=basic}
 * a call needs the gateway's credentials, which are then not passed on to the function.
 */
public final class Authorize implements Stage {

    public static final String ANNOTATION = "com.jfaas.auth";

    private final BasicAuth auth;

    public Authorize(BasicAuth auth) {
        this.auth = auth;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        if (!"basic".equals(call.target().deployment().annotations().get(ANNOTATION))) {
            return next.proceed(call);
        }
        if (!auth.allows(call.headers().get("Authorization"))) {
            var denied = InvocationResult.internal(401, "auth", BasicAuth.FAILURE);
            denied.headers().set("WWW-Authenticate", BasicAuth.CHALLENGE);
            return Future.succeededFuture(denied);
        }
        call.headers().remove("Authorization");
        return next.proceed(call);
    }
}
