package dev.jfaas.queue.nats;

import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.document.CallCodec;
import dev.jfaas.queue.document.CallDocument;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.PurgeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS operations the queue is built from, named for what they mean to it: documents in the
 * KV bucket with compare-and-set, messages in work streams, acks and naks by reply subject, and
 * the dead-letter stream. Knows nothing of call states.
 */
final class NatsBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NatsBroker.class);
    /** JetStream's "wrong last sequence": the compare in compare-and-set failed. */
    private static final int WRONG_LAST_SEQUENCE = 10071;
    private static final int NO_MESSAGE_FOUND = 10037;
    /** Room left in a message for everything but a result's body. */
    private static final int ENVELOPE = 64 * 1024;

    record Entry(byte[] value, long revision) {}

    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final KeyValue kv;
    private final NatsNames names;
    private final NatsSettings settings;
    private final Map<String, Map<Integer, ConsumerContext>> queues = new ConcurrentHashMap<>();

    private NatsBroker(Connection connection, NatsNames names, NatsSettings settings) throws IOException, JetStreamApiException {
        this.connection = connection;
        this.names = names;
        this.settings = settings;
        var options = JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build();
        this.js = connection.jetStream(options);
        this.jsm = connection.jetStreamManagement(options);
        var kvOptions = KeyValueOptions.builder().jetStreamOptions(options).build();
        var kvm = connection.keyValueManagement(kvOptions);
        try {
            kvm.create(KeyValueConfiguration.builder().name(names.bucket()).storageType(StorageType.File)
                    .maxHistoryPerKey(1).ttl(settings.recordTtl()).build());
        } catch (JetStreamApiException e) {
            kvm.getStatus(names.bucket()); // made earlier with other settings: use it as it is
        }
        this.kv = connection.keyValue(names.bucket(), kvOptions);
        addStream(StreamConfiguration.builder().name(names.deadStream()).subjects(names.deadSubjects())
                .storageType(StorageType.File).retentionPolicy(RetentionPolicy.Limits).maxMessagesPerSubject(1)
                .maxAge(settings.recordTtl()).build());
    }

    static NatsBroker connect(NatsSettings settings, NatsNames names) {
        var options = new Options.Builder().servers(settings.url().split(",")).connectionName("jfaas")
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(settings.requestTimeout())
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
    void requireConnected() {
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            throw new QueueUnavailable("the NATS server is unreachable (" + connection.getStatus() + ")");
        }
    }

    // ---- documents ---------------------------------------------------------------------------

    Entry get(String key) throws IOException, JetStreamApiException {
        var entry = kv.get(key);
        return entry == null ? null : new Entry(entry.getValue(), entry.getRevision());
    }

    /** Creates a key that must not exist; false if it does. */
    boolean create(String key, byte[] value) throws IOException, JetStreamApiException {
        try {
            kv.create(key, value);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return false;
            }
            throw e;
        }
    }

    /** Compare-and-set: writes only if the key is still at {@code revision}. */
    boolean update(String key, byte[] value, long revision) throws IOException, JetStreamApiException {
        try {
            kv.update(key, value, revision);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return false;
            }
            throw e;
        }
    }

    void put(String key, byte[] value) throws IOException, JetStreamApiException {
        kv.put(key, value);
    }

    void delete(String key) throws IOException, JetStreamApiException {
        kv.purge(key);
    }

    /**
     * Every call document, read in one pass over the bucket's stream (the last message of each
     * key). Documents keep changing while a busy queue is read, so the pass ends at the first
     * message written after it began, rather than waiting for a moment with nothing new.
     */
    List<CallDocument> documents() throws IOException, JetStreamApiException, InterruptedException {
        var stream = "KV_" + names.bucket();
        long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
        var docs = new HashMap<String, CallDocument>(); // by key subject
        if (last == 0) {
            return List.of();
        }
        var options = PushSubscribeOptions.builder().stream(stream).ordered(true)
                .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.LastPerSubject).build()).build();
        var subscription = js.subscribe("$KV." + names.bucket() + ".c.>", options);
        try {
            while (true) {
                var message = subscription.nextMessage(settings.requestTimeout());
                if (message == null) {
                    throw new QueueUnavailable("reading call documents from NATS timed out");
                }
                var operation = message.getHeaders() == null ? null : message.getHeaders().getFirst("KV-Operation");
                if (operation == null || operation.equals("PUT")) {
                    docs.put(message.getSubject(), CallCodec.document(message.getData())); // later versions replace earlier
                } else {
                    docs.remove(message.getSubject());
                }
                var meta = message.metaData();
                if (meta.pendingCount() == 0 || meta.streamSequence() >= last) {
                    break;
                }
            }
        } finally {
            subscription.unsubscribe();
        }
        return List.copyOf(docs.values());
    }

    /** A result cut to what one message can carry, marked truncated if it was cut. */
    CallResponse fitted(CallResponse response) {
        long room = (connection.getServerInfo().getMaxPayload() - ENVELOPE) * 3 / 4; // bodies travel as base64
        if (response.body().length <= room) {
            return response;
        }
        return new CallResponse(response.status(), response.headers(), Arrays.copyOf(response.body(), (int) Math.max(0, room)),
                true, response.durationSeconds());
    }

    // ---- work streams --------------------------------------------------------------------------

    /** Makes sure a queue's stream and its consumers exist; returns the stream's name. */
    String queue(String queue) throws IOException, JetStreamApiException {
        consumers(queue);
        return names.workStream(queue);
    }

    ConsumerContext consumer(String queue, int priority) throws IOException, JetStreamApiException {
        return consumers(queue).get(priority);
    }

    private Map<Integer, ConsumerContext> consumers(String queue) throws IOException, JetStreamApiException {
        var known = queues.get(queue);
        if (known != null) {
            return known;
        }
        synchronized (queues) {
            known = queues.get(queue);
            if (known != null) {
                return known;
            }
            var stream = names.workStream(queue);
            addStream(StreamConfiguration.builder().name(stream).subjects(names.workSubjects(queue))
                    .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File)
                    .duplicateWindow(Duration.ofMinutes(2)).build());
            var contexts = new ConcurrentHashMap<Integer, ConsumerContext>();
            for (int p = 0; p < NatsNames.PRIORITIES; p++) {
                jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable(NatsNames.consumer(p))
                        .filterSubject(names.workSubject(queue, p)).ackPolicy(AckPolicy.Explicit)
                        .deliverPolicy(DeliverPolicy.All).ackWait(settings.redeliverAfter()).maxDeliver(-1).maxAckPending(1_000_000)
                        .build());
                contexts.put(p, js.getConsumerContext(stream, NatsNames.consumer(p)));
            }
            queues.put(queue, contexts);
            return contexts;
        }
    }

    /** Adds a stream, or keeps the one that is there (another gateway made it). */
    private void addStream(StreamConfiguration config) throws IOException, JetStreamApiException {
        try {
            jsm.addStream(config);
        } catch (JetStreamApiException e) {
            jsm.getStreamInfo(config.getName()); // throws if it really is missing
        }
    }

    void publish(String subject, Headers headers, byte[] data, PublishOptions options) throws IOException, JetStreamApiException {
        js.publish(subject, headers, data, options);
    }

    /** Acknowledges a delivery: the work stream forgets the message. */
    void ack(String delivery) {
        connection.publish(delivery, "+ACK".getBytes(StandardCharsets.US_ASCII));
    }

    /** Hands a delivery back, to come again after {@code delay} (at once for zero). */
    void nak(String delivery, Duration delay) {
        var body = delay.isZero() || delay.isNegative() ? "-NAK" : "-NAK {\"delay\": " + delay.toNanos() + "}";
        connection.publish(delivery, body.getBytes(StandardCharsets.US_ASCII));
    }

    // ---- dead letters ---------------------------------------------------------------------------

    void keepDeadLetter(String subject, byte[] call) throws IOException, JetStreamApiException {
        js.publish(subject, call);
    }

    byte[] deadLetter(String subject) throws IOException, JetStreamApiException {
        try {
            return jsm.getLastMessage(names.deadStream(), subject).getData();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return null;
            }
            throw e;
        }
    }

    void purgeDeadLetter(String subject) throws IOException, JetStreamApiException {
        jsm.purgeStream(names.deadStream(), PurgeOptions.subject(subject));
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }
}
