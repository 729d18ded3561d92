package dev.jfaas.gateway.invoke;

import dev.jfaas.gateway.auth.BasicAuth;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.vertx.core.Future;

/**
 * Functions are public unless they ask otherwise: with the annotation {@code com.jfaas.auth=basic}
 * a call needs the gateway's credentials. Whatever the function, the gateway's own credentials
 * never go on: a caller who sent them (a browser logged in to the portal sends them by itself)
 * has them removed here, before anything forwards or stores the call.
 */
public final class Authorize implements Stage {

    public static final String ANNOTATION = "com.jfaas.auth";
    static final String HEADER = "Authorization";

    private final BasicAuth auth;
    private final boolean enforce;

    private Authorize(BasicAuth auth, boolean enforce) {
        this.auth = auth;
        this.enforce = enforce;
    }

    /** At every entry: asks for the credentials where the function wants them, and removes them. */
    public static Authorize atEntry(BasicAuth auth) {
        return new Authorize(auth, true);
    }

    /**
     * For calls authorized when they were accepted (queued calls, run later): never asks again,
     * still removes the gateway's credentials should a call stored before they were stripped at
     * accept still carry them.
     */
    public static Authorize accepted(BasicAuth auth) {
        return new Authorize(auth, false);
    }

    /**
     * For events the function's deployment subscribed it to (its triggers): never asks, as the
     * subscription is the function owner's own; removes the gateway's credentials should a message
     * carry them.
     */
    public static Authorize subscribed(BasicAuth auth) {
        return new Authorize(auth, false);
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        var credentials = call.headers().get(HEADER);
        boolean gateways = credentials != null && auth.allows(credentials);
        if (enforce && !gateways && "basic".equals(call.target().deployment().annotations().get(ANNOTATION))) {
            var denied = InvocationResult.internal(401, "auth", BasicAuth.FAILURE);
            denied.headers().set("WWW-Authenticate", BasicAuth.CHALLENGE);
            return Future.succeededFuture(denied);
        }
        if (gateways) {
            call.headers().remove(HEADER);
        }
        return next.proceed(call);
    }
}
