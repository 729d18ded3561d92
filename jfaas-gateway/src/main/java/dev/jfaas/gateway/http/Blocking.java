package dev.jfaas.gateway.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Runs an API call's disk work (store writes wait for fsync) on a worker thread, never on the
 * event loop, and answers from the result or turns the failure into the right status.
 */
public final class Blocking {

    private Blocking() {}

    public static <T> void run(RoutingContext ctx, Callable<T> work, Consumer<T> reply) {
        Future<T> done = ctx.vertx().executeBlocking(work, false);
        done.onSuccess(reply::accept).onFailure(failure -> Replies.fail(ctx, failure));
    }
}
