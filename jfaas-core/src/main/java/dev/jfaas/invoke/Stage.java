package dev.jfaas.invoke;

import io.vertx.core.Future;

/** One step of an invocation. Passes the call on through {@code next}, or answers itself. */
@FunctionalInterface
public interface Stage {

    Future<InvocationResult> apply(Invocation call, Chain next);

    /** The rest of the pipeline after a stage. */
    @FunctionalInterface
    interface Chain {
        Future<InvocationResult> proceed(Invocation call);
    }
}
