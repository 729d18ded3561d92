package dev.jfaas.queue.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Stored writes (JetStream publishes) that hold no thread while the server answers: documents and work messages alike. */
final class NatsWrites {

    /** Names the stream a write must land in, so a subject no longer taken by it fails rather than landing elsewhere. */
    static final String EXPECTED_STREAM = "Nats-Expected-Stream";

    private final Connection connection;
    private final Duration timeout;

    NatsWrites(Connection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    /**
     * A JetStream publish, its answer awaited for the request timeout at most, without a thread
     * waiting. jnats's {@code publishAsync} gives its answer the connection's cleanup interval as
     * its time (see {@link NatsBroker#connect}: short, so that these timeouts are noticed on time) and
     * offers no other; so the request is made here and its answer read as jnats reads it.
     */
    CompletableFuture<PublishAck> store(String subject, Headers headers, byte[] data) {
        return connection.requestWithTimeout(subject, headers, data, timeout).thenApply(reply -> {
            if (reply.isStatusMessage()) {
                // 503: no stream takes the subject (it was deleted) or JetStream is not there
                throw new CompletionException(new IOException("the NATS server did not store it: " + reply.getStatus().getMessageWithCode()));
            }
            try {
                return new PublishAck(reply); // throws the JetStream error it carries
            } catch (IOException | JetStreamApiException e) {
                throw new CompletionException(e);
            }
        });
    }
}
