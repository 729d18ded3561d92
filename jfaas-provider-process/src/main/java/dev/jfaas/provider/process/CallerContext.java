package dev.jfaas.provider.process;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs blocking work (a call to the spawner: socket I/O, which parks) on a virtual thread and completes on the Vert.x context that asked for it,
 * so the caller's callbacks keep running on its own event loop.
 */
final class CallerContext {

    private static final Logger log = LoggerFactory.getLogger(CallerContext.class);

    private final Context context = Vertx.currentContext();

    <T> Future<T> runBlocking(Callable<T> work) {
        Promise<T> promise = Promise.promise();
        Thread.ofVirtual().start(() -> {
            T value;
            try {
                value = work.call();
            } catch (Exception e) {
                run(() -> promise.fail(e));
                return;
            }
            run(() -> promise.complete(value));
        });
        return promise.future();
    }

    /**
     * Runs {@code action} on the caller's context. If that context's Vert.x has closed (the gateway
     * stopped while a call was still on its way back), nobody waits for the answer any more: it is
     * dropped, not thrown on the virtual thread, where it would surface in whatever else runs.
     */
    void run(Runnable action) {
        onContext(context, action);
    }

    /** {@link #run} for a context kept elsewhere (null: here, now). */
    static void onContext(Context context, Runnable action) {
        if (context == null) {
            action.run();
            return;
        }
        try {
            context.runOnContext(v -> action.run());
        } catch (RejectedExecutionException closed) {
            log.debug("the caller's event loop has stopped; what was for it is dropped");
        }
    }
}
