package dev.jfaas.provider.process;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/**
 * Runs blocking work (a call to the spawner: socket I/O, which parks) on a virtual thread and completes on the Vert.x context that asked for it,
 * so the caller's callbacks keep running on its own event loop.
 */
final class CallerContext {

    private final Context context = Vertx.currentContext();

    <T> Future<T> runBlocking(Callable<T> work) {
        Promise<T> promise = Promise.promise();
        Thread.ofVirtual().start(() -> {
            try {
                T value = work.call();
                run(() -> promise.complete(value));
            } catch (Exception e) {
                run(() -> promise.fail(e));
            }
        });
        return promise.future();
    }

    void run(Runnable action) {
        if (context == null) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
