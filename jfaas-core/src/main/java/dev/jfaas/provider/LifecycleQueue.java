package dev.jfaas.provider;

import dev.jfaas.function.FunctionName;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs lifecycle work (deploy, update, scale, remove) one piece at a time per function, in the
 * order it was submitted, so concurrent requests for one function never interleave. Different
 * functions proceed in parallel.
 */
public final class LifecycleQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LifecycleQueue.class);

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("lifecycle-", 0).factory());
    private final Map<FunctionName, CompletableFuture<Void>> tails = new HashMap<>();

    /** Work whose failure is only logged: nobody waits for it. */
    public CompletableFuture<Void> submit(FunctionName function, String what, Runnable work) {
        return run(function, work).exceptionally(e -> {
            var cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            log.error("{} of {} failed: {}", what, function, cause.getMessage(), cause);
            return null;
        });
    }

    /** Work whose caller waits for it: its failure is the returned future's, for the caller to answer with. */
    public CompletableFuture<Void> call(FunctionName function, Runnable work) {
        return run(function, work);
    }

    private synchronized CompletableFuture<Void> run(FunctionName function, Runnable work) {
        var previous = tails.getOrDefault(function, CompletableFuture.completedFuture(null));
        // The next piece waits for this one whether it worked or not.
        var next = previous.handle((v, e) -> null).thenRunAsync(work, executor);
        tails.put(function, next);
        next.whenComplete((v, e) -> forgetIfLast(function, next));
        return next;
    }

    private synchronized void forgetIfLast(FunctionName function, CompletableFuture<Void> done) {
        tails.remove(function, done);
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
