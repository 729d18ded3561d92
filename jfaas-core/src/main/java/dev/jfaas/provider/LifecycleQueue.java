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

    public synchronized CompletableFuture<Void> submit(FunctionName function, String what, Runnable work) {
        var previous = tails.getOrDefault(function, CompletableFuture.completedFuture(null));
        var next = previous.thenRunAsync(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                log.error("{} of {} failed: {}", what, function, e.getMessage(), e);
            }
        }, executor);
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
