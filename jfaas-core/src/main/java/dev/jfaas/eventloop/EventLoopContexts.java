package dev.jfaas.eventloop;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Contexts on distinct event loops, for parts that want one share of the work per core (the
 * gateway's HTTP servers, the queue workers' lanes). Deploying n instances of a verticle spreads
 * them by the event loop group's round robin, which every thread that first asks Vert.x for a
 * context also advances: when one does so between two instances, both land on the same loop and
 * the gateway serves every connection from one core (one bench run in three did). Contexts made
 * on chosen loops cannot collide.
 */
public final class EventLoopContexts {

    private EventLoopContexts() {}

    /** {@code n} contexts, each on its own event loop while there are loops enough, then cycling over them again. */
    public static List<Context> spread(Vertx vertx, int n) {
        var internal = (VertxInternal) vertx;
        var loops = new ArrayList<EventLoop>();
        internal.nettyEventLoopGroup().forEach(executor -> loops.add((EventLoop) executor));
        var contexts = new ArrayList<Context>(n);
        for (int i = 0; i < n; i++) {
            contexts.add(internal.contextBuilder().withEventLoop(loops.get(i % loops.size())).build());
        }
        return List.copyOf(contexts);
    }

    /** Runs {@code action} on {@code context}'s event loop and passes on the future it returns. */
    public static <T> Future<T> on(Context context, Supplier<Future<T>> action) {
        return Future.future(promise -> context.runOnContext(v -> {
            try {
                action.get().onComplete(promise);
            } catch (RuntimeException e) {
                promise.fail(e);
            }
        }));
    }
}
