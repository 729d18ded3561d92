package dev.jfaas.queue;

import dev.jfaas.function.FunctionName;
import java.time.Instant;
import java.util.List;

/**
 * An async call as accepted: everything needed to run it later, on any worker.
 *
 * @param queue the named queue it waits in ({@code com.openfaas.queue}, default {@code faas-request})
 * @param priority 0..9, higher runs first
 * @param idempotencyKey the caller's {@code X-Idempotency-Key}, or null
 * @param maxAttempts attempts allowed, counting the first
 */
public record QueuedCall(
        String callId,
        FunctionName function,
        String queue,
        int priority,
        String method,
        String path,
        String query,
        List<Header> headers,
        byte[] body,
        String callbackUrl,
        String idempotencyKey,
        Instant acceptedAt,
        int maxAttempts) {

    public static final String DEFAULT_QUEUE = "faas-request";
    /** The annotation that names a function's queue. */
    public static final String QUEUE_ANNOTATION = "com.openfaas.queue";

    public QueuedCall {
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public QueuedCall withCallId(String id) {
        return new QueuedCall(id, function, queue, priority, method, path, query, headers, body, callbackUrl,
                idempotencyKey, acceptedAt, maxAttempts);
    }
}
