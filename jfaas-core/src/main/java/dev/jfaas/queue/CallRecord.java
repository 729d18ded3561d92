package dev.jfaas.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** What is known about a call, as {@code GET /system/calls/{id}} shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallRecord(
        String callId,
        String function,
        String namespace,
        String queue,
        CallStatus status,
        int priority,
        int attempts,
        int maxAttempts,
        Instant acceptedAt,
        Instant startedAt,
        Instant finishedAt,
        Integer statusCode,
        Double durationSeconds,
        String error,
        String callbackStatus) {}
