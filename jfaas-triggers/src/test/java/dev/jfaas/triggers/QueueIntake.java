package dev.jfaas.triggers;

import dev.jfaas.function.FunctionName;
import dev.jfaas.invoke.CallIds;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.QueuedCall;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The part of the gateway's accept chain these tests need (look the function up, store the call
 * under the event's key), without a gateway; the chain itself is tested beside it, in
 * jfaas-gateway's TriggerEntryTest.
 */
final class QueueIntake implements EventIntake {

    private final Provider provider;
    private final CallQueue queue;

    QueueIntake(Provider provider, CallQueue queue) {
        this.provider = provider;
        this.queue = queue;
    }

    @Override
    public CompletionStage<Answer> accept(FunctionName function, TriggerEvent event) {
        var deployed = provider.find(function);
        if (deployed.isEmpty()) {
            return CompletableFuture.completedFuture(new Answer.NoFunction());
        }
        var call = new QueuedCall(CallIds.next(), function, QueuedCall.DEFAULT_QUEUE, 0, "POST", "/", "", event.headers(),
                event.body(), null, event.idempotencyKey(), Instant.now(), 1);
        return queue.enqueue(call).thenApply(accepted -> new Answer.Stored(accepted.callId(),
                accepted.kind() == Accepted.Kind.IDEMPOTENT_REPEAT));
    }
}
