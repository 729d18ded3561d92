package dev.jfaas.queue;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a call is in its life. The last four are final. */
public enum CallStatus {
    QUEUED,
    RUNNING,
    RETRYING,
    SUCCEEDED,
    /** Ended with a status that is not retried. */
    FAILED,
    /** Ran out of attempts or age: kept as a dead letter, replayable. */
    DEAD,
    CANCELLED;

    public boolean isFinal() {
        return ordinal() >= SUCCEEDED.ordinal();
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CallStatus parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
