package dev.jfaas.queue.nats;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.document.CallBroker;
import dev.jfaas.queue.document.CallDocument;
import dev.jfaas.queue.document.CallTally;
import dev.jfaas.queue.document.DocumentKeys;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PurgeOptions;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS operations the queue is built from, named for what they mean to it: documents in the
 * KV bucket with compare-and-set ({@link NatsDocuments}), messages in work streams, acks and naks
 * by reply subject, and the dead-letter stream. Knows nothing of call states.
 */
final class NatsBroker implements CallBroker {

    private static final Logger log = LoggerFactory.getLogger(NatsBroker.class);
    /** How often jnats looks for async writes past their time (see {@link #connect}). */
    private static final Duration ASYNC_TIMEOUT_SWEEP = Duration.ofMillis(250);
    private static final int NO_MESSAGE_FOUND = 10037;
    /** Room left in a message for everything but a result's body. */
    private static final int ENVELOPE = 64 * 1024;

    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final NatsNames names;
    private final NatsSettings settings;
    private final NatsWorkStreams streams;
    private final NatsWrites writes;
    private final NatsDocuments documents;

    private NatsBroker(Connection connection, NatsNames names, NatsSettings settings) throws IOException, JetStreamApiException {
        this.connection = connection;
        this.names = names;
        this.settings = settings;
        var options = JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build();
        this.js = connection.jetStream(options);
        this.jsm = connection.jetStreamManagement(options);
        this.writes = new NatsWrites(connection, settings.requestTimeout());
        this.documents = new NatsDocuments(connection, js, jsm, options, names, settings, writes);
        this.streams = new NatsWorkStreams(connection, jsm, names, settings, writes);
        NatsWorkStreams.addStream(jsm, StreamConfiguration.builder().name(names.deadStream()).subjects(names.deadSubjects())
                .storageType(StorageType.File).retentionPolicy(RetentionPolicy.Limits).maxMessagesPerSubject(1)
                .maxAge(settings.recordTtl()).build());
    }

    static NatsBroker connect(NatsSettings settings, NatsNames names) {
        var options = new Options.Builder().servers(settings.url().split(",")).connectionName("jfaas")
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(settings.requestTimeout())
                // An async write that gets no answer fails after the request timeout, noticed by
                // this sweep (a request without a time of its own gets this interval as its time:
                // every request here names one, see NatsWrites.store). A JDK timeout per write (orTimeout)
                // cost a delayed task, its cancel and a thread wake-up per write: ~5-10 % of a
                // standalone worker's CPU (bench/README.md).
                .requestCleanupInterval(ASYNC_TIMEOUT_SWEEP)
                // Requests (every stored write) are written with whatever else is queued instead of
                // one socket write each; the writer still sends at once when its queue runs dry.
                .dontForceFlushOnRequest()
                .connectionListener((conn, event) -> {
                    if (event == ConnectionListener.Events.DISCONNECTED) {
                        log.warn("NATS connection lost: async calls get 503 until it is back (reconnecting by itself)");
                    } else {
                        log.info("NATS {}: {}", event, conn.getConnectedUrl());
                    }
                })
                .errorListener(new NatsLogListener())
                .build();
        Connection connection = null;
        try {
            connection = Nats.connect(options);
            return new NatsBroker(connection, names, settings);
        } catch (IOException | JetStreamApiException e) {
            closeQuietly(connection);
            throw new QueueUnavailable("cannot reach NATS JetStream at " + settings.url() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(connection);
            throw new QueueUnavailable("interrupted while connecting to NATS", e);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Refuses at once while disconnected, rather than letting a write wait in the reconnect buffer. */
    @Override
    public void requireConnected() {
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            throw new QueueUnavailable("the NATS server is unreachable (" + connection.getStatus() + ")");
        }
    }

    // ---- documents (NatsDocuments) ------------------------------------------------------------

    @Override
    public Stored get(String key) throws IOException, JetStreamApiException {
        return documents.get(key);
    }

    @Override
    public CompletableFuture<Stored> getAsync(String key) {
        return documents.getAsync(key);
    }

    @Override
    public boolean create(String key, byte[] value) throws IOException, JetStreamApiException {
        return documents.create(key, value);
    }

    @Override
    public CompletableFuture<Long> createAsync(String key, byte[] value) {
        return documents.createAsync(key, value);
    }

    @Override
    public long update(String key, byte[] value, long revision) throws IOException, JetStreamApiException {
        return documents.update(key, value, revision);
    }

    @Override
    public CompletableFuture<Long> updateAsync(String key, byte[] value, long revision) {
        return documents.updateAsync(key, value, revision);
    }

    @Override
    public void put(String key, byte[] value) throws IOException, JetStreamApiException {
        documents.put(key, value);
    }

    @Override
    public CompletableFuture<Void> putAsync(String key, byte[] value) {
        return documents.putAsync(key, value);
    }

    @Override
    public void delete(String key) throws IOException, JetStreamApiException {
        documents.delete(key);
    }

    @Override
    public void eachDocument(Consumer<CallDocument> visitor) throws Exception {
        documents.eachDocument(visitor);
    }

    @Override
    public void eachDocumentWrittenBefore(Instant before, Consumer<CallDocument> visitor) throws Exception {
        documents.eachDocumentWrittenBefore(before, visitor);
    }

    /** Counts from the streams themselves: messages per work subject, dead letters per dead subject. */
    @Override
    public List<QueueStats> load() throws IOException, JetStreamApiException {
        record Key(String queue, String function) {}
        var depth = new HashMap<Key, Long>();
        var dead = new HashMap<Key, Long>();
        var oldest = new HashMap<String, Instant>();
        for (var stream : jsm.getStreamNames(names.allWorkSubjects())) {
            var state = jsm.getStreamInfo(stream, StreamInfoOptions.filterSubjects(names.allWorkSubjects())).getStreamState();
            for (var subject : state.getSubjects()) {
                var t = subject.getName().split("\\.");
                var queue = DocumentKeys.untoken(t[2]);
                depth.merge(new Key(queue, DocumentKeys.untoken(t[4])), subject.getCount(), Long::sum);
                if (state.getMsgCount() > 0 && state.getFirstTime() != null) {
                    oldest.put(queue, state.getFirstTime().toInstant());
                }
            }
        }
        var deadState = jsm.getStreamInfo(names.deadStream(), StreamInfoOptions.filterSubjects(names.deadSubjects())).getStreamState();
        for (var subject : deadState.getSubjects()) {
            var t = subject.getName().split("\\.");
            dead.merge(new Key(DocumentKeys.untoken(t[2]), DocumentKeys.untoken(t[3])), subject.getCount(), Long::sum);
        }
        var now = Instant.now();
        var keys = new java.util.LinkedHashSet<Key>(depth.keySet());
        keys.addAll(dead.keySet());
        var out = new ArrayList<QueueStats>();
        for (var key : keys) {
            var fn = FunctionName.parse(key.function(), null);
            out.add(new QueueStats(key.queue(), fn.name(), fn.namespace(), depth.getOrDefault(key, 0L), 0, 0,
                    dead.getOrDefault(key, 0L), CallTally.ageSeconds(oldest.get(key.queue()), now)));
        }
        return out;
    }

    /** A result cut to what one message can carry, marked truncated if it was cut. */
    @Override
    public CallResponse fitted(CallResponse response) {
        long room = (connection.getServerInfo().getMaxPayload() - ENVELOPE) * 3 / 4; // bodies travel as base64
        if (response.body().length <= room) {
            return response;
        }
        return new CallResponse(response.status(), response.headers(), Arrays.copyOf(response.body(), (int) Math.max(0, room)),
                true, response.durationSeconds());
    }

    // ---- work streams (NatsWorkStreams) --------------------------------------------------------

    @Override
    public void prepare(String queue) throws IOException, JetStreamApiException {
        streams.prepare(queue);
    }

    @Override
    public CompletableFuture<Void> publish(QueuedCall call, byte[] message, String messageId, long revision) {
        return streams.publish(call, message, messageId, revision);
    }

    @Override
    public void announce(String queue) {
        streams.announce(queue);
    }

    @Override
    public AutoCloseable onAnnounce(Consumer<String> listener) {
        return streams.onAnnounce(listener);
    }

    @Override
    public List<Backlog> backlog(String queue) throws IOException, JetStreamApiException {
        return streams.backlog(queue);
    }

    @Override
    public List<Delivery> fetch(String queue, int priority, FunctionName function, int max) {
        return streams.fetch(queue, priority, function, max);
    }

    @Override
    public CompletableFuture<List<Delivery>> fetchAsync(String queue, int priority, FunctionName function, int max) {
        return streams.fetchAsync(queue, priority, function, max);
    }

    @Override
    public void ack(String delivery) {
        streams.ack(delivery);
    }

    @Override
    public void nak(String delivery, Duration delay) {
        streams.nak(delivery, delay);
    }

    @Override
    public Duration redeliveryWait() {
        return streams.redeliveryWait();
    }

    // ---- dead letters ---------------------------------------------------------------------------

    @Override
    public void keepDeadLetter(QueuedCall call, byte[] message) throws IOException, JetStreamApiException {
        js.publish(names.deadSubject(call.queue(), call.function().qualified(), call.callId()), message);
    }

    @Override
    public byte[] deadLetter(CallDocument call) throws IOException, JetStreamApiException {
        try {
            return jsm.getLastMessage(names.deadStream(), deadSubject(call)).getData();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public void purgeDeadLetter(CallDocument call) throws IOException, JetStreamApiException {
        jsm.purgeStream(names.deadStream(), PurgeOptions.subject(deadSubject(call)));
    }

    private String deadSubject(CallDocument call) {
        return names.deadSubject(call.queue(), call.functionName().qualified(), call.callId());
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }
}
