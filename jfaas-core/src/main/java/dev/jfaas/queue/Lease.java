package dev.jfaas.queue;

/**
 * A worker's claim on a call until it is renewed, finished, or expires. The token tells this
 * delivery from a later one of the same call, so a worker that lost its lease cannot finish it.
 *
 * @param attempt which attempt this delivery is, starting at 1
 */
public record Lease(QueuedCall call, String token, int attempt) {}
