package dev.jfaas.triggers;

import dev.jfaas.function.FunctionName;
import java.util.concurrent.CompletionStage;

/**
 * Where trigger events become async calls: the gateway's accept chain (Resolve → Authorize →
 * Enqueue), the one every async entry goes through, so an event is looked up, stripped of the
 * gateway's credentials, bounded and stored exactly as an HTTP accept would be.
 */
@FunctionalInterface
public interface EventIntake {

    CompletionStage<Answer> accept(FunctionName function, TriggerEvent event);

    /** What became of an event. */
    sealed interface Answer {

        /** Stored (durably), or found stored already under the event's idempotency key. */
        record Stored(String callId, boolean duplicate) implements Answer {}

        /** The function is not deployed: the event is dropped, as a connector would. */
        record NoFunction() implements Answer {}

        /** Refused for good (too large, a header the accept chain rejects): dropped, counted, logged. */
        record Refused(String reason) implements Answer {}

        /** The queue cannot take it now: tried again later; the broker keeps the message meanwhile. */
        record Unavailable(String reason) implements Answer {}
    }
}
