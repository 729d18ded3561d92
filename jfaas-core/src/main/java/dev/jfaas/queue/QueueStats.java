package dev.jfaas.queue;

/**
 * The state of one function's calls in one queue.
 *
 * @param depth waiting to run now or later (queued + retrying)
 * @param delayed of those, waiting for their not-before time
 * @param oldestAgeSeconds age of the oldest waiting call, 0 if none
 */
public record QueueStats(String queue, String function, String namespace, long depth, long inFlight, long delayed,
        long dead, double oldestAgeSeconds) {}
