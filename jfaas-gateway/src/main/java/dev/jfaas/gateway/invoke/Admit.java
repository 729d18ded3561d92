package dev.jfaas.gateway.invoke;

import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.vertx.core.Future;

/**
 * Where a call waits for room to run: the per-function and gateway-wide admission queues
 * (SPEC §6). Until they land every call is admitted at once; the stage holds their place in the
 * pipeline so the chain reads as the spec does.
 */
public final class Admit implements Stage {

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        return next.proceed(call);
    }
}
