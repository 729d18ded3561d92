package dev.jfaas.queue;

import java.util.List;

/**
 * A function's answer to one attempt, as kept for retrieval by call id.
 *
 * @param truncated the body was cut at {@code max_result_size}
 */
public record CallResponse(int status, List<Header> headers, byte[] body, boolean truncated, double durationSeconds) {

    public CallResponse {
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }
}
