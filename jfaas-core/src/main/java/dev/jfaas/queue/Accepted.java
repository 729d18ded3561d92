package dev.jfaas.queue;

/** The answer to an enqueue. */
public record Accepted(String callId, Kind kind) {

    public enum Kind {
        /** Stored as a new call. */
        NEW,
        /** Same function and idempotency key as an earlier call: that call's id, nothing stored. */
        IDEMPOTENT_REPEAT,
        /** The call id is used already: nothing stored; pick another id. */
        ID_TAKEN
    }
}
