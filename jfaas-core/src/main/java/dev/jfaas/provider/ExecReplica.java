package dev.jfaas.provider;

import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import io.vertx.core.Future;

/** A replica that runs each call itself, e.g. by forking a process per request. */
public abstract non-sealed class ExecReplica extends Replica {

    protected ExecReplica(String instance) {
        super(instance);
    }

    /** Runs one call. Failures that are jfaas's own come back as internal results, not failed futures. */
    public abstract Future<InvocationResult> run(Invocation call);
}
