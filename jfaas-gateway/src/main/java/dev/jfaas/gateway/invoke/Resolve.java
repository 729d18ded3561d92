package dev.jfaas.gateway.invoke;

import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import dev.jfaas.provider.Provider;
import io.vertx.core.Future;

/** Finds the deployed function a call names; 404 if there is none. */
public final class Resolve implements Stage {

    private final Provider provider;

    public Resolve(Provider provider) {
        this.provider = provider;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        var target = provider.find(call.function());
        if (target.isEmpty()) {
            return Future.succeededFuture(InvocationResult.internal(404, "resolve",
                    "error finding function " + call.function().qualified()));
        }
        return next.proceed(call.withTarget(target.get()));
    }
}
