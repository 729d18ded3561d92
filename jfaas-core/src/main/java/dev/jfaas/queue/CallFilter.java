package dev.jfaas.queue;

import dev.jfaas.function.FunctionName;

/** Which call records to list; null fields match everything. Newest first, at most {@code limit}. */
public record CallFilter(FunctionName function, CallStatus status, String queue, int limit) {}
