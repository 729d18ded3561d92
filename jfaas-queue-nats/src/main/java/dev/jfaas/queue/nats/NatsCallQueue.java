package dev.jfaas.queue.nats;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.document.DocumentCallQueue;

/**
 * The call queue on NATS JetStream: a {@link DocumentCallQueue} over {@link NatsBroker}. A work
 * stream per named queue with a durable pull consumer per priority (subjects
 * {@code <prefix>.q.<queue>.<priority>}), call documents and results in the KV bucket
 * {@code <prefix>_calls}, dead letters in the stream {@code <prefix>_DEAD}.
 */
public final class NatsCallQueue {

    private NatsCallQueue() {}

    /** Connects and makes sure the bucket and dead-letter stream exist; fails if the server is unreachable. */
    public static CallQueue connect(NatsSettings settings) {
        return new DocumentCallQueue(NatsBroker.connect(settings, new NatsNames(settings.prefix())));
    }
}
