package dev.jfaas.function;

import java.util.Map;


/**
 * How many of a function's async calls the workers of one process run at once, when its owner
 * says so with {@value #ANNOTATION}; without it, its max_inflight × ready replicas (where jfaas
 * knows them), lowered while the function pushes back.
 */
public final class QueueConcurrency {

    public static final String ANNOTATION = "com.jfaas.queue.concurrency";

    private QueueConcurrency() {}

    /** The annotation's value, or 0 if it is not set; a value that is not 1..100000 is refused. */
    public static int of(Map<String, String> annotations) {
        var text = annotations.get(ANNOTATION);
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 1 && value <= 100_000) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw RequestRejected.invalid("annotation " + ANNOTATION + " must be a whole number from 1 to 100000, not \"" + text + "\"");
    }
}
