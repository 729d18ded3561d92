package dev.jfaas.queue.nats;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.document.CallBroker;
import dev.jfaas.queue.document.DocumentCallQueue;
import dev.jfaas.queue.document.DocumentKeys;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The calls' messages on NATS: a work-queue stream per named queue, a subject and a durable pull
 * consumer per priority and function in it, fetched over {@link NatsFetcher}; a core subject
 * announces arrivals. {@link NatsBroker}'s work-queue half.
 */
final class NatsWorkStreams {

    static final String CALL_ID_HEADER = "Jfaas-Call-Id";
    static final String REVISION_HEADER = "Jfaas-Document-Revision";

    private final Connection connection;
    private final JetStreamManagement jsm;
    private final NatsNames names;
    private final NatsSettings settings;
    private final NatsWrites writes;
    private final NatsFetcher fetcher;
    /** Queues whose work stream this process has made sure of. */
    private final Set<String> queues = ConcurrentHashMap.newKeySet();
    /** Per-function consumers this process has made sure of, by their place, with their names. */
    private final java.util.Map<Place, String> consumers = new ConcurrentHashMap<>();

    private record Place(String queue, int priority, FunctionName function) {}

    NatsWorkStreams(Connection connection, JetStreamManagement jsm, NatsNames names, NatsSettings settings, NatsWrites writes) {
        this.connection = connection;
        this.jsm = jsm;
        this.names = names;
        this.settings = settings;
        this.writes = writes;
        this.fetcher = new NatsFetcher(connection, settings.requestTimeout());
    }

    void prepare(String queue) throws IOException, JetStreamApiException {
        if (queues.contains(queue)) {
            return;
        }
        synchronized (queues) {
            if (queues.contains(queue)) {
                return;
            }
            var stream = names.workStream(queue);
            addStream(jsm, StreamConfiguration.builder().name(stream).subjects(names.workSubjects(queue))
                    .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File)
                    .duplicateWindow(Duration.ofMinutes(2)).build());
            // Made by an earlier version: their filters overlap the per-function consumers'
            // (a work-queue stream refuses overlapping filters). What they held pending comes again through those.
            for (int p = 0; p < DocumentCallQueue.PRIORITIES; p++) {
                try {
                    jsm.deleteConsumer(stream, NatsNames.priorityConsumer(p));
                } catch (JetStreamApiException e) {
                    // not there: the usual case
                }
            }
            queues.add(queue);
        }
    }

    CompletableFuture<Void> publish(QueuedCall call, byte[] message, String messageId, long revision) {
        var headers = new Headers().put(CALL_ID_HEADER, call.callId());
        if (revision > 0) {
            headers.put(REVISION_HEADER, Long.toString(revision));
        }
        headers.put(NatsWrites.EXPECTED_STREAM, names.workStream(call.queue())).put("Nats-Msg-Id", messageId);
        return writes.store(names.workSubject(call.queue(), call.priority(), call.function().qualified()), headers, message)
                .thenApply(ack -> null);
    }

    /** A core NATS message, not stored: a hint for idle workers, who poll anyway. */
    void announce(String queue) {
        connection.publish(names.arrivals() + "." + DocumentKeys.token(queue), null);
    }

    AutoCloseable onAnnounce(Consumer<String> listener) {
        var dispatcher = connection.createDispatcher(message -> {
            var subject = message.getSubject();
            listener.accept(DocumentKeys.untoken(subject.substring(subject.lastIndexOf('.') + 1)));
        });
        dispatcher.subscribe(names.arrivals() + ".*");
        return () -> connection.closeDispatcher(dispatcher);
    }

    /** The stream's own count per subject: each subject is one priority and function. */
    List<CallBroker.Backlog> backlog(String queue) throws IOException, JetStreamApiException {
        prepare(queue);
        var state = jsm.getStreamInfo(names.workStream(queue), StreamInfoOptions.filterSubjects(names.workSubjects(queue)))
                .getStreamState();
        var out = new ArrayList<CallBroker.Backlog>();
        for (var subject : state.getSubjects()) {
            if (subject.getCount() > 0) {
                var t = subject.getName().split("\\.");
                out.add(new CallBroker.Backlog(Integer.parseInt(t[3]), FunctionName.parse(DocumentKeys.untoken(t[4]), null)));
            }
        }
        return out;
    }

    List<CallBroker.Delivery> fetch(String queue, int priority, FunctionName function, int max) {
        return fetchAsync(queue, priority, function, max).join();
    }

    /**
     * Over {@link NatsFetcher}'s standing subscription; only the first fetch of a priority and
     * function here blocks, to make its consumer (kept for good: a durable consumer costs the
     * server little, and the function's next calls find it there).
     */
    CompletableFuture<List<CallBroker.Delivery>> fetchAsync(String queue, int priority, FunctionName function, int max) {
        var place = new Place(queue, priority, function);
        var consumer = consumers.get(place);
        if (consumer == null) {
            return CompletableFuture.runAsync(() -> {
                var name = NatsNames.consumer(priority, function.qualified());
                try {
                    prepare(queue);
                    jsm.addOrUpdateConsumer(names.workStream(queue), ConsumerConfiguration.builder().durable(name)
                            .filterSubject(names.workSubject(queue, priority, function.qualified())).ackPolicy(AckPolicy.Explicit)
                            .deliverPolicy(DeliverPolicy.All).ackWait(settings.redeliverAfter()).maxDeliver(-1)
                            .maxAckPending(1_000_000).build());
                    consumers.put(place, name);
                } catch (IOException | JetStreamApiException e) {
                    throw new QueueUnavailable("the NATS server did not answer: " + e.getMessage(), e);
                }
            }, Thread.ofVirtual()::start).thenCompose(v -> fetchAsync(queue, priority, function, max));
        }
        return fetcher.fetch(names.workStream(queue), consumer, max).thenApply(messages -> {
            var deliveries = new ArrayList<CallBroker.Delivery>(messages.size());
            for (var m : messages) {
                var revision = m.getHeaders().getFirst(REVISION_HEADER);
                boolean first = NatsFetcher.deliveredCount(m.getReplyTo()) == 1;
                deliveries.add(new CallBroker.Delivery(m.getHeaders().getFirst(CALL_ID_HEADER), m.getData(), m.getReplyTo(),
                        first && revision != null ? Long.parseLong(revision) : 0));
            }
            return deliveries;
        });
    }

    /** Adds a stream, or keeps the one that is there (another gateway made it). */
    static void addStream(JetStreamManagement jsm, StreamConfiguration config) throws IOException, JetStreamApiException {
        try {
            jsm.addStream(config);
        } catch (JetStreamApiException refused) {
            try {
                jsm.getStreamInfo(config.getName());
            } catch (JetStreamApiException missing) {
                refused.addSuppressed(missing);
                throw refused; // why it could not be made says more than that it is not there
            }
        }
    }

    /** The work stream forgets the message. */
    void ack(String delivery) {
        connection.publish(delivery, "+ACK".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * {@code -NAK} with a delay keeps the message pending (a later ack still counts) and makes
     * JetStream deliver it again after the delay, whatever the consumer's ack wait.
     */
    void nak(String delivery, Duration delay) {
        var body = delay.isZero() || delay.isNegative() ? "-NAK" : "-NAK {\"delay\": " + delay.toNanos() + "}";
        connection.publish(delivery, body.getBytes(StandardCharsets.US_ASCII));
    }

    /** The consumers' ack wait, as this process sets it when it first uses a queue. */
    Duration redeliveryWait() {
        return settings.redeliverAfter();
    }
}
