package dev.jfaas.queue.nats;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.document.CallBroker;
import dev.jfaas.queue.document.CallCodec;
import dev.jfaas.queue.document.CallDocument;
import dev.jfaas.queue.document.CallTally;
import dev.jfaas.queue.document.DocumentCallQueue;
import dev.jfaas.queue.document.DocumentKeys;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ConsumeOptions;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PurgeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS operations the queue is built from, named for what they mean to it: documents in the
 * KV bucket with compare-and-set, messages in work streams, acks and naks by reply subject, and
 * the dead-letter stream. Knows nothing of call states.
 */
final class NatsBroker implements CallBroker {

    private static final Logger log = LoggerFactory.getLogger(NatsBroker.class);
    /** JetStream's "wrong last sequence": the compare in compare-and-set failed. */
    private static final int WRONG_LAST_SEQUENCE = 10071;
    private static final String EXPECTED_STREAM = "Nats-Expected-Stream";
    /** How often jnats looks for async writes past their time (see {@link #connect}). */
    private static final Duration ASYNC_TIMEOUT_SWEEP = Duration.ofMillis(250);
    private static final int NO_MESSAGE_FOUND = 10037;
    private static final String CALL_ID_HEADER = "Jfaas-Call-Id";
    private static final String REVISION_HEADER = "Jfaas-Document-Revision";
    /** Room left in a message for everything but a result's body. */
    private static final int ENVELOPE = 64 * 1024;
    /** Documents a pass over the bucket holds at most in memory, beside the one being visited. */
    private static final int DOCUMENTS_PER_PULL = 256;

    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final KeyValue kv;
    private final NatsNames names;
    private final NatsSettings settings;
    /** Queues whose work stream and consumers this process has made sure of. */
    private final Set<String> queues = ConcurrentHashMap.newKeySet();
    private final NatsFetcher fetcher;
    private final String kvStream;
    /**
     * Whether the bucket keeps only each key's last revision, as it does when this class made it:
     * then every message in its stream is a document's current revision, and a pass reads them in
     * order without the server first finding the last one of each key (a walk over every key).
     */
    private final boolean oneRevisionPerKey;

    private NatsBroker(Connection connection, NatsNames names, NatsSettings settings) throws IOException, JetStreamApiException {
        this.connection = connection;
        this.names = names;
        this.settings = settings;
        this.fetcher = new NatsFetcher(connection, settings.requestTimeout());
        this.kvStream = "KV_" + names.bucket();
        var options = JetStreamOptions.builder().requestTimeout(settings.requestTimeout()).build();
        this.js = connection.jetStream(options);
        this.jsm = connection.jetStreamManagement(options);
        var kvOptions = KeyValueOptions.builder().jetStreamOptions(options).build();
        var kvm = connection.keyValueManagement(kvOptions);
        long history;
        try {
            history = kvm.create(KeyValueConfiguration.builder().name(names.bucket()).storageType(StorageType.File)
                    .maxHistoryPerKey(1).ttl(settings.recordTtl()).build()).getMaxHistoryPerKey();
        } catch (JetStreamApiException e) {
            // made earlier with other settings: use it as it is
            history = kvm.getStatus(names.bucket()).getMaxHistoryPerKey();
        }
        this.oneRevisionPerKey = history == 1;
        this.kv = connection.keyValue(names.bucket(), kvOptions);
        addStream(StreamConfiguration.builder().name(names.deadStream()).subjects(names.deadSubjects())
                .storageType(StorageType.File).retentionPolicy(RetentionPolicy.Limits).maxMessagesPerSubject(1)
                .maxAge(settings.recordTtl()).build());
    }

    static NatsBroker connect(NatsSettings settings, NatsNames names) {
        var options = new Options.Builder().servers(settings.url().split(",")).connectionName("jfaas")
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(settings.requestTimeout())
                // An async write that gets no answer fails after the request timeout, noticed by
                // this sweep (a request without a time of its own gets this interval as its time:
                // every request here names one, see store). A JDK timeout per write (orTimeout)
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

    // ---- documents ---------------------------------------------------------------------------

    @Override
    public Stored get(String key) throws IOException, JetStreamApiException {
        var entry = kv.get(key);
        return entry == null ? null : new Stored(entry.getValue(), entry.getRevision());
    }

    /**
     * A direct get of the key's last message (KV buckets allow it), answered by any server with
     * the stream, without the JSON and base64 of the stream API's get.
     */
    @Override
    public CompletableFuture<Stored> getAsync(String key) {
        var subject = "$JS.API.DIRECT.GET." + kvStream + "." + kvSubject(key);
        return connection.requestWithTimeout(subject, null, settings.requestTimeout()).thenApply(reply -> {
            if (reply.isStatusMessage()) {
                if (reply.getStatus().getCode() == 404) {
                    return null;
                }
                throw new QueueUnavailable("NATS refused to read " + key + ": " + reply.getStatus().getMessage());
            }
            var headers = reply.getHeaders();
            var operation = headers.getFirst("KV-Operation");
            if (operation != null && !operation.equals("PUT")) {
                return null; // deleted or purged
            }
            return new Stored(reply.getData(), Long.parseLong(headers.getFirst("Nats-Sequence")));
        });
    }

    private String kvSubject(String key) {
        return "$KV." + names.bucket() + "." + key;
    }

    @Override
    public boolean create(String key, byte[] value) throws IOException, JetStreamApiException {
        return createdRevision(key, value) > 0;
    }

    private long createdRevision(String key, byte[] value) throws IOException, JetStreamApiException {
        try {
            return kv.create(key, value);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * A KV create is a publish to the key's subject expecting no earlier message; sent without
     * waiting. A key that was deleted has a delete marker, so its create is tried again the
     * blocking way, which knows markers.
     */
    @Override
    public CompletableFuture<Long> createAsync(String key, byte[] value) {
        return writeExpecting(key, value, 0).thenCompose(revision -> revision > 0 ? CompletableFuture.completedFuture(revision)
                : CompletableFuture.supplyAsync(() -> {
                    try {
                        return createdRevision(key, value);
                    } catch (IOException | JetStreamApiException e) {
                        throw new QueueUnavailable("the NATS server did not answer: " + e.getMessage(), e);
                    }
                }, Thread.ofVirtual()::start));
    }

    /** A KV update is a publish to the key's subject expecting the revision it names as the subject's last. */
    @Override
    public CompletableFuture<Long> updateAsync(String key, byte[] value, long revision) {
        return writeExpecting(key, value, revision);
    }

    /** Publishes to a key's subject if its last revision is {@code revision} (0: none); the new revision, or 0 if it was not. */
    private CompletableFuture<Long> writeExpecting(String key, byte[] value, long revision) {
        var expect = new Headers().put("Nats-Expected-Last-Subject-Sequence", Long.toString(revision))
                .put(EXPECTED_STREAM, kvStream);
        return store(kvSubject(key), expect, value)
                .thenApply(ack -> ack.getSeqno())
                .exceptionallyCompose(failure -> {
                    var cause = failure;
                    while (!(cause instanceof JetStreamApiException) && cause.getCause() != null) {
                        cause = cause.getCause(); // jnats wraps it, and so does CompletableFuture
                    }
                    return cause instanceof JetStreamApiException api && api.getApiErrorCode() == WRONG_LAST_SEQUENCE
                            ? CompletableFuture.completedFuture(0L) : CompletableFuture.failedFuture(cause);
                });
    }

    @Override
    public CompletableFuture<Void> putAsync(String key, byte[] value) {
        return store(kvSubject(key), new Headers().put(EXPECTED_STREAM, kvStream), value).thenApply(ack -> null);
    }

    @Override
    public long update(String key, byte[] value, long revision) throws IOException, JetStreamApiException {
        try {
            return kv.update(key, value, revision);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return 0;
            }
            throw e;
        }
    }


    @Override
    public void put(String key, byte[] value) throws IOException, JetStreamApiException {
        kv.put(key, value);
    }

    @Override
    public void delete(String key) throws IOException, JetStreamApiException {
        kv.purge(key);
    }

    /**
     * Reads the last message of every document key in one pass over the bucket's stream.
     * Documents keep changing while a busy queue is read, so the pass ends at the first message
     * written after it began, rather than waiting for a moment with nothing new; each key is seen
     * once before that. The messages are pulled a batch at a time: a push consumer had the
     * server send every document at once, and jnats held what the visitor had not taken yet, so
     * a backlog of a few hundred thousand calls filled the gateway's heap (the minutely sweep of
     * finished calls runs this).
     */
    @Override
    public void eachDocument(Consumer<CallDocument> visitor) throws Exception {
        pass(null, visitor);
    }

    /**
     * The bucket's stream holds documents in the order they were last written (one revision per
     * key), each with the server's time of writing: the pass stops at the first one written at
     * {@code before} or later. The minutely sweep of finished calls then reads only documents
     * older than the retention, not a backlog queued since.
     */
    @Override
    public void eachDocumentWrittenBefore(Instant before, Consumer<CallDocument> visitor) throws Exception {
        pass(before, visitor);
    }

    /** One pass over the last revision of each document, in the order written, up to {@code before} if not null. */
    private void pass(Instant before, Consumer<CallDocument> visitor) throws Exception {
        long last = jsm.getStreamInfo(kvStream).getStreamState().getLastSequence();
        if (last == 0) {
            return;
        }
        var pass = js.getStreamContext(kvStream).createOrderedConsumer(new OrderedConsumerConfiguration()
                .filterSubject(kvSubject("c.>"))
                .deliverPolicy(oneRevisionPerKey ? DeliverPolicy.All : DeliverPolicy.LastPerSubject));
        try (var documents = pass.iterate(ConsumeOptions.builder().batchSize(DOCUMENTS_PER_PULL).build())) {
            while (true) {
                var message = documents.nextMessage(settings.requestTimeout());
                if (message == null) {
                    throw new QueueUnavailable("reading call documents from NATS timed out");
                }
                var meta = message.metaData();
                if (before != null && !meta.timestamp().toInstant().isBefore(before)) {
                    break;
                }
                var operation = message.getHeaders() == null ? null : message.getHeaders().getFirst("KV-Operation");
                if (operation == null || operation.equals("PUT")) {
                    visitor.accept(CallCodec.document(message.getData()));
                }
                if (meta.pendingCount() == 0 || meta.streamSequence() >= last) {
                    break;
                }
            }
        }
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

    // ---- work streams --------------------------------------------------------------------------

    @Override
    public void prepare(String queue) throws IOException, JetStreamApiException {
        if (queues.contains(queue)) {
            return;
        }
        synchronized (queues) {
            if (queues.contains(queue)) {
                return;
            }
            var stream = names.workStream(queue);
            addStream(StreamConfiguration.builder().name(stream).subjects(names.workSubjects(queue))
                    .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File)
                    .duplicateWindow(Duration.ofMinutes(2)).build());
            for (int p = 0; p < DocumentCallQueue.PRIORITIES; p++) {
                jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable(NatsNames.consumer(p))
                        .filterSubject(names.consumerFilter(queue, p)).ackPolicy(AckPolicy.Explicit)
                        .deliverPolicy(DeliverPolicy.All).ackWait(settings.redeliverAfter()).maxDeliver(-1).maxAckPending(1_000_000)
                        .build());
            }
            queues.add(queue);
        }
    }

    @Override
    public CompletableFuture<Void> publish(QueuedCall call, byte[] message, String messageId, long revision) {
        var headers = new Headers().put(CALL_ID_HEADER, call.callId());
        if (revision > 0) {
            headers.put(REVISION_HEADER, Long.toString(revision));
        }
        headers.put(EXPECTED_STREAM, names.workStream(call.queue())).put("Nats-Msg-Id", messageId);
        return store(names.workSubject(call.queue(), call.priority(), call.function().qualified()), headers, message)
                .thenApply(ack -> null);
    }

    /**
     * A JetStream publish, its answer awaited for the request timeout at most, without a thread
     * waiting. jnats's {@code publishAsync} gives its answer the connection's cleanup interval as
     * its time (see {@link #connect}: short, so that these timeouts are noticed on time) and
     * offers no other; so the request is made here and its answer read as jnats reads it.
     */
    private CompletableFuture<PublishAck> store(String subject, Headers headers, byte[] data) {
        return connection.requestWithTimeout(subject, headers, data, settings.requestTimeout()).thenApply(reply -> {
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

    /** A core NATS message, not stored: a hint for idle workers, who poll anyway. */
    @Override
    public void announce(String queue) {
        connection.publish(names.arrivals() + "." + DocumentKeys.token(queue), null);
    }

    @Override
    public AutoCloseable onAnnounce(Consumer<String> listener) {
        var dispatcher = connection.createDispatcher(message -> {
            var subject = message.getSubject();
            listener.accept(DocumentKeys.untoken(subject.substring(subject.lastIndexOf('.') + 1)));
        });
        dispatcher.subscribe(names.arrivals() + ".*");
        return () -> connection.closeDispatcher(dispatcher);
    }

    @Override
    public List<Delivery> fetch(String queue, int priority, int max) {
        return fetchAsync(queue, priority, max).join();
    }

    /** Over {@link NatsFetcher}'s standing subscription; only a queue's first fetch here blocks, to set up its consumers. */
    @Override
    public CompletableFuture<List<Delivery>> fetchAsync(String queue, int priority, int max) {
        if (!queues.contains(queue)) {
            return CompletableFuture.runAsync(() -> {
                try {
                    prepare(queue);
                } catch (IOException | JetStreamApiException e) {
                    throw new QueueUnavailable("the NATS server did not answer: " + e.getMessage(), e);
                }
            }, Thread.ofVirtual()::start).thenCompose(v -> fetchAsync(queue, priority, max));
        }
        return fetcher.fetch(names.workStream(queue), NatsNames.consumer(priority), max).thenApply(messages -> {
            var deliveries = new ArrayList<Delivery>(messages.size());
            for (var m : messages) {
                var revision = m.getHeaders().getFirst(REVISION_HEADER);
                boolean first = NatsFetcher.deliveredCount(m.getReplyTo()) == 1;
                deliveries.add(new Delivery(m.getHeaders().getFirst(CALL_ID_HEADER), m.getData(), m.getReplyTo(),
                        first && revision != null ? Long.parseLong(revision) : 0));
            }
            return deliveries;
        });
    }

    /** Adds a stream, or keeps the one that is there (another gateway made it). */
    private void addStream(StreamConfiguration config) throws IOException, JetStreamApiException {
        try {
            jsm.addStream(config);
        } catch (JetStreamApiException e) {
            jsm.getStreamInfo(config.getName()); // throws if it really is missing
        }
    }

    /** The work stream forgets the message. */
    @Override
    public void ack(String delivery) {
        connection.publish(delivery, "+ACK".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * {@code -NAK} with a delay keeps the message pending (a later ack still counts) and makes
     * JetStream deliver it again after the delay, whatever the consumer's ack wait.
     */
    @Override
    public void nak(String delivery, Duration delay) {
        var body = delay.isZero() || delay.isNegative() ? "-NAK" : "-NAK {\"delay\": " + delay.toNanos() + "}";
        connection.publish(delivery, body.getBytes(StandardCharsets.US_ASCII));
    }

    /** The consumers' ack wait, as this process sets it when it first uses a queue. */
    @Override
    public Duration redeliveryWait() {
        return settings.redeliverAfter();
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
