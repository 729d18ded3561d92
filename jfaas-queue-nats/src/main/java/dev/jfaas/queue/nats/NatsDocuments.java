package dev.jfaas.queue.nats;

import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.document.CallBroker;
import dev.jfaas.queue.document.CallCodec;
import dev.jfaas.queue.document.CallDocument;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Call documents, results and idempotency keys in the KV bucket {@code <prefix>_calls}: reads,
 * compare-and-set writes (a publish to the key's subject expecting its last revision), and passes
 * over every document. {@link NatsBroker} hands its document operations here.
 */
final class NatsDocuments {

    /** JetStream's "wrong last sequence": the compare in compare-and-set failed. */
    static final int WRONG_LAST_SEQUENCE = 10071;
    /** Documents a pass over the bucket holds at most in memory, beside the one being visited. */
    private static final int DOCUMENTS_PER_PULL = 256;

    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final KeyValue kv;
    private final NatsNames names;
    private final NatsSettings settings;
    private final NatsWrites writes;
    private final String kvStream;
    /**
     * Whether the bucket keeps only each key's last revision, as it does when this class made it:
     * then every message in its stream is a document's current revision, and a pass reads them in
     * order without the server first finding the last one of each key (a walk over every key).
     */
    private final boolean oneRevisionPerKey;

    /** Makes the bucket if it is not there yet. */
    NatsDocuments(Connection connection, JetStream js, JetStreamManagement jsm, JetStreamOptions options, NatsNames names,
            NatsSettings settings, NatsWrites writes) throws IOException, JetStreamApiException {
        this.connection = connection;
        this.js = js;
        this.jsm = jsm;
        this.names = names;
        this.settings = settings;
        this.writes = writes;
        this.kvStream = "KV_" + names.bucket();
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
    }

    CallBroker.Stored get(String key) throws IOException, JetStreamApiException {
        var entry = kv.get(key);
        return entry == null ? null : new CallBroker.Stored(entry.getValue(), entry.getRevision());
    }

    /**
     * A direct get of the key's last message (KV buckets allow it), answered by any server with
     * the stream, without the JSON and base64 of the stream API's get.
     */
    CompletableFuture<CallBroker.Stored> getAsync(String key) {
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
            return new CallBroker.Stored(reply.getData(), Long.parseLong(headers.getFirst("Nats-Sequence")));
        });
    }

    private String kvSubject(String key) {
        return "$KV." + names.bucket() + "." + key;
    }

    boolean create(String key, byte[] value) throws IOException, JetStreamApiException {
        return createdRevision(key, value) > 0;
    }

    private long createdRevision(String key, byte[] value) throws IOException, JetStreamApiException {
        return unlessChanged(() -> kv.create(key, value));
    }

    @FunctionalInterface
    private interface KvWrite {
        long run() throws IOException, JetStreamApiException;
    }

    /** A compare-and-set write's new revision, or 0 if the compare failed. */
    private static long unlessChanged(KvWrite write) throws IOException, JetStreamApiException {
        try {
            return write.run();
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
    CompletableFuture<Long> createAsync(String key, byte[] value) {
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
    CompletableFuture<Long> updateAsync(String key, byte[] value, long revision) {
        return writeExpecting(key, value, revision);
    }

    /** Publishes to a key's subject if its last revision is {@code revision} (0: none); the new revision, or 0 if it was not. */
    private CompletableFuture<Long> writeExpecting(String key, byte[] value, long revision) {
        var expect = new Headers().put("Nats-Expected-Last-Subject-Sequence", Long.toString(revision))
                .put(NatsWrites.EXPECTED_STREAM, kvStream);
        return writes.store(kvSubject(key), expect, value)
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

    CompletableFuture<Void> putAsync(String key, byte[] value) {
        return writes.store(kvSubject(key), new Headers().put(NatsWrites.EXPECTED_STREAM, kvStream), value).thenApply(ack -> null);
    }

    long update(String key, byte[] value, long revision) throws IOException, JetStreamApiException {
        return unlessChanged(() -> kv.update(key, value, revision));
    }

    void put(String key, byte[] value) throws IOException, JetStreamApiException {
        kv.put(key, value);
    }

    void delete(String key) throws IOException, JetStreamApiException {
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
    void eachDocument(Consumer<CallDocument> visitor) throws Exception {
        pass(null, visitor);
    }

    /**
     * The bucket's stream holds documents in the order they were last written (one revision per
     * key), each with the server's time of writing: the pass stops at the first one written at
     * {@code before} or later. The minutely sweep of finished calls then reads only documents
     * older than the retention, not a backlog queued since.
     */
    void eachDocumentWrittenBefore(Instant before, Consumer<CallDocument> visitor) throws Exception {
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
}
