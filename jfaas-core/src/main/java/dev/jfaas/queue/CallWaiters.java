package dev.jfaas.queue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a caller wait for a call to end in this process ({@code Prefer: respond-async, wait=N}).
 * Calls run by another process are not seen here; waiters poll the queue for those.
 */
public final class CallWaiters {

    private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    public CompletableFuture<Void> whenFinished(String callId) {
        return waiting.computeIfAbsent(callId, id -> new CompletableFuture<>());
    }

    public void forget(String callId, CompletableFuture<Void> waiter) {
        waiting.remove(callId, waiter);
    }

    public void finished(String callId) {
        var waiter = waiting.remove(callId);
        if (waiter != null) {
            waiter.complete(null);
        }
    }
}
