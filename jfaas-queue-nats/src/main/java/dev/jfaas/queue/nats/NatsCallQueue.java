package dev.jfaas.queue.nats;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.CallFilter;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallRecord;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.document.CallCodec;
import dev.jfaas.queue.document.CallDocument;
import dev.jfaas.queue.document.CallTally;
import io.nats.client.Connection;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call queue on NATS JetStream, shared by every gateway and worker pointed at one server.
 *
 * <p>A call is a message in its queue's work stream, on the subject of its priority; each
 * priority has one durable pull consumer and a lease fetches from the highest first. What the
 * call's life looks like (status, attempts, who holds it) is a document in a KV bucket, changed
 * only by compare-and-set, so two workers can never both win a call. The lease time is per call
 * while JetStream's ack wait is per consumer, so a lease answers the delivery with
 * {@code -NAK {"delay": lease}}: the message stays pending and comes back only if the lease
 * runs out; a renewal repeats the nak, a retry naks with the backoff, the end acks. A delivery
 * that comes back while its document says the lease still runs is simply put off again.
 *
 * <p>Every method blocks on the broker on a virtual thread; jnats multiplexes the round trips
 * over one connection. While the server is unreachable every method fails at once with
 * {@link QueueUnavailable}, and jnats reconnects by itself.
 */
public final class NatsCallQueue implements CallQueue {

    private static final Logger log = LoggerFactory.getLogger(NatsCallQueue.class);
    static final String CALL_ID_HEADER = "Jfaas-Call-Id";
    static final String FUNCTION_HEADER = "Jfaas-Function";
    /** Compare-and-set attempts before giving up on a document that keeps changing under us. */
    private static final int CAS_TRIES = 8;

    private final NatsBroker broker;
    private final NatsNames names;
    private final Clock clock;
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();

    private NatsCallQueue(NatsBroker broker, NatsNames names, Clock clock) {
        this.broker = broker;
        this.names = names;
        this.clock = clock;
    }

    /** Connects and makes sure the bucket and dead-letter stream exist; fails if the server is unreachable. */
    public static NatsCallQueue connect(NatsSettings settings) {
        var names = new NatsNames(settings.prefix());
        return new NatsCallQueue(NatsBroker.connect(settings, names), names, Clock.systemUTC());
    }

    private <T> CompletableFuture<T> async(BrokerWork<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            broker.requireConnected();
            try {
                return work.run();
            } catch (IOException | JetStreamApiException | IllegalStateException e) {
                throw new QueueUnavailable("the NATS server did not answer: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueueUnavailable("interrupted", e);
            }
        }, io);
    }

    @FunctionalInterface
    private interface BrokerWork<T> {
        T run() throws IOException, JetStreamApiException, InterruptedException;
    }

    @Override
    public CompletableFuture<Accepted> enqueue(QueuedCall call) {
        return async(() -> {
            String idemKey = null;
            if (call.idempotencyKey() != null) {
                idemKey = NatsNames.idempotencyKey(call.function().qualified(), call.idempotencyKey());
                var earlier = claimIdempotencyKey(idemKey, call.callId());
                if (earlier != null) {
                    return new Accepted(earlier, Accepted.Kind.IDEMPOTENT_REPEAT);
                }
            }
            if (!broker.create(NatsNames.documentKey(call.callId()), CallCodec.document(CallDocument.queued(call)))) {
                if (idemKey != null) {
                    broker.delete(idemKey);
                }
                return new Accepted(call.callId(), Accepted.Kind.ID_TAKEN);
            }
            try {
                publish(call, call.callId());
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                // Not stored, so not accepted: take the document back so nothing waits for a message that never came.
                forgetQuietly(call.callId(), idemKey);
                throw e;
            }
            return new Accepted(call.callId(), Accepted.Kind.NEW);
        });
    }

    /** Takes the key for this call; returns the earlier call's id if another live call has it. */
    private String claimIdempotencyKey(String key, String callId) throws IOException, JetStreamApiException {
        for (int i = 0; i < CAS_TRIES; i++) {
            if (broker.create(key, callId.getBytes())) {
                return null;
            }
            var entry = broker.get(key);
            if (entry == null) {
                continue;
            }
            var earlier = new String(entry.value());
            if (broker.get(NatsNames.documentKey(earlier)) != null) {
                return earlier;
            }
            if (broker.update(key, callId.getBytes(), entry.revision())) {
                return null; // the earlier call was forgotten: the key is free again
            }
        }
        throw new QueueUnavailable("idempotency key " + key + " keeps changing");
    }

    private void forgetQuietly(String callId, String idemKey) {
        try {
            broker.delete(NatsNames.documentKey(callId));
            if (idemKey != null) {
                broker.delete(idemKey);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.warn("call {} was refused but its document could not be removed: {}", callId, e.getMessage());
        }
    }

    /** Puts the call's message in its queue; {@code messageId} lets JetStream drop a repeated publish. */
    private void publish(QueuedCall call, String messageId) throws IOException, JetStreamApiException {
        var stream = broker.queue(call.queue());
        var headers = new Headers().put(CALL_ID_HEADER, call.callId()).put(FUNCTION_HEADER, call.function().qualified());
        broker.publish(names.workSubject(call.queue(), call.priority()), headers, CallCodec.call(call),
                PublishOptions.builder().expectedStream(stream).messageId(messageId).build());
    }

    @Override
    public CompletableFuture<List<Lease>> lease(String queue, int max, Duration leaseTime, Set<FunctionName> skip) {
        return async(() -> {
            var leases = new ArrayList<Lease>();
            if (max <= 0) {
                return leases;
            }
            var seen = new HashSet<String>();
            for (int priority = NatsNames.PRIORITIES - 1; priority >= 0 && leases.size() < max; priority--) {
                var messages = fetch(queue, priority, max - leases.size());
                var claims = new ArrayList<CompletableFuture<Lease>>();
                for (var message : messages) {
                    if (!seen.add(message.getHeaders().getFirst(CALL_ID_HEADER))) {
                        broker.nak(message.getReplyTo(), Duration.ZERO); // skipped earlier in this lease: leave it
                        continue;
                    }
                    claims.add(CompletableFuture.supplyAsync(() -> claimQuietly(message, leaseTime, skip), io));
                }
                for (var claim : claims) {
                    var lease = claim.join();
                    if (lease != null) {
                        leases.add(lease);
                    }
                }
            }
            return leases;
        });
    }

    private List<Message> fetch(String queue, int priority, int max) throws IOException, JetStreamApiException {
        var messages = new ArrayList<Message>();
        try (var fetch = broker.consumer(queue, priority)
                .fetch(FetchConsumeOptions.builder().maxMessages(max).noWait().build())) {
            for (var m = fetch.nextMessage(); m != null; m = fetch.nextMessage()) {
                messages.add(m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof JetStreamApiException api) {
                throw api;
            }
            throw new QueueUnavailable("fetching from " + queue + " failed: " + e.getMessage(), e);
        }
        return messages;
    }

    private Lease claimQuietly(Message message, Duration leaseTime, Set<FunctionName> skip) {
        try {
            return claim(message, leaseTime, skip);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            // Left pending: JetStream delivers it again after the consumer's ack wait.
            log.warn("could not lease call {}: {}", message.getHeaders().getFirst(CALL_ID_HEADER), e.getMessage());
            return null;
        }
    }

    /** Makes one delivered message a lease, or puts it off, or drops it if its call has ended. */
    private Lease claim(Message message, Duration leaseTime, Set<FunctionName> skip)
            throws IOException, JetStreamApiException {
        var callId = message.getHeaders().getFirst(CALL_ID_HEADER);
        var key = NatsNames.documentKey(callId);
        for (int i = 0; i < CAS_TRIES; i++) {
            var entry = broker.get(key);
            if (entry == null) {
                broker.ack(message.getReplyTo()); // forgotten, or refused before it was accepted
                return null;
            }
            var doc = CallCodec.document(entry.value());
            var now = clock.instant();
            switch (doc.readiness(now)) {
                case ENDED -> {
                    broker.ack(message.getReplyTo());
                    return null;
                }
                case HELD, NOT_YET -> {
                    broker.nak(message.getReplyTo(), doc.waitLeft(now));
                    return null;
                }
                case RUNNABLE -> {
                    if (skip.contains(doc.functionName())) {
                        broker.nak(message.getReplyTo(), Duration.ZERO);
                        return null;
                    }
                }
            }
            var leased = doc.leased(UUID.randomUUID().toString(), message.getReplyTo(), now, leaseTime);
            if (broker.update(key, CallCodec.document(leased), entry.revision())) {
                broker.nak(message.getReplyTo(), leaseTime);
                return new Lease(CallCodec.call(message.getData()), leased.token(), leased.attempts());
            }
        }
        broker.nak(message.getReplyTo(), Duration.ZERO);
        return null;
    }

    /**
     * Applies {@code change} to a call's document with compare-and-set, re-reading on conflict.
     * {@code change} returns null when the document is not in a state it applies to.
     */
    private CallDocument change(String callId, Function<CallDocument, CallDocument> change)
            throws IOException, JetStreamApiException {
        var key = NatsNames.documentKey(callId);
        for (int i = 0; i < CAS_TRIES; i++) {
            var entry = broker.get(key);
            if (entry == null) {
                return null;
            }
            var next = change.apply(CallCodec.document(entry.value()));
            if (next == null) {
                return null;
            }
            if (broker.update(key, CallCodec.document(next), entry.revision())) {
                return next;
            }
        }
        throw new QueueUnavailable("call " + callId + " keeps changing; try again");
    }

    @Override
    public CompletableFuture<Boolean> renew(Lease lease, Duration leaseTime) {
        return async(() -> {
            var now = clock.instant();
            var renewed = change(lease.call().callId(), doc -> doc.heldBy(lease.token()) ? doc.renewed(now.plus(leaseTime)) : null);
            if (renewed == null) {
                return false;
            }
            broker.nak(renewed.delivery(), leaseTime);
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> finish(Lease lease, CallStatus status, CallResponse response, String error) {
        if (!status.isFinal() || status == CallStatus.CANCELLED) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not an end state: " + status));
        }
        return async(() -> {
            var callId = lease.call().callId();
            var current = broker.get(NatsNames.documentKey(callId));
            if (current == null || !CallCodec.document(current.value()).heldBy(lease.token())) {
                return false;
            }
            // Result and dead letter first: a document that says "ended" always has them.
            if (response != null) {
                broker.put(NatsNames.resultKey(callId), CallCodec.response(broker.fitted(response)));
            }
            if (status == CallStatus.DEAD || status == CallStatus.FAILED) {
                broker.keepDeadLetter(names.deadSubject(callId), CallCodec.call(lease.call()));
            }
            var now = clock.instant();
            String[] delivery = new String[1];
            var ended = change(callId, doc -> {
                delivery[0] = doc.delivery();
                return doc.heldBy(lease.token()) ? doc.finished(status, response, error, now) : null;
            });
            if (ended == null) {
                return false;
            }
            broker.ack(delivery[0]);
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> retryLater(Lease lease, Instant notBefore, CallResponse response, String error) {
        return async(() -> {
            var waiting = change(lease.call().callId(),
                    doc -> doc.heldBy(lease.token()) ? doc.retrying(notBefore, response, error) : null);
            if (waiting == null) {
                return false;
            }
            broker.nak(waiting.delivery(), Duration.between(clock.instant(), notBefore));
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> cancel(String callId) {
        return async(() -> {
            var now = clock.instant();
            String[] delivery = new String[1];
            var cancelled = change(callId, doc -> {
                delivery[0] = doc.delivery();
                return doc.status().isFinal() ? null : doc.cancelled(now);
            });
            if (cancelled == null) {
                return false;
            }
            if (delivery[0] != null) {
                broker.ack(delivery[0]); // a waiting message is dropped when it is next delivered
            }
            return true;
        });
    }

    @Override
    public CompletableFuture<Void> recordCallback(String callId, String callbackStatus) {
        return async(() -> {
            change(callId, doc -> doc.withCallbackStatus(callbackStatus));
            return null;
        });
    }

    @Override
    public CompletableFuture<Optional<CallRecord>> record(String callId) {
        return async(() -> Optional.ofNullable(broker.get(NatsNames.documentKey(callId)))
                .map(entry -> CallCodec.document(entry.value()).toRecord()));
    }

    @Override
    public CompletableFuture<Optional<CallResponse>> result(String callId) {
        return async(() -> {
            var doc = broker.get(NatsNames.documentKey(callId));
            if (doc == null || !CallCodec.document(doc.value()).status().isFinal()) {
                return Optional.empty();
            }
            return Optional.ofNullable(broker.get(NatsNames.resultKey(callId))).map(e -> CallCodec.response(e.value()));
        });
    }

    @Override
    public CompletableFuture<List<CallRecord>> records(CallFilter filter) {
        return async(() -> CallTally.records(broker.documents(), filter));
    }

    @Override
    public CompletableFuture<List<QueueStats>> stats() {
        return async(() -> CallTally.stats(broker.documents(), clock.instant()));
    }

    @Override
    public CompletableFuture<Integer> replayDeadLetters(String queue, FunctionName function) {
        return async(() -> {
            int replayed = 0;
            for (var doc : broker.documents()) {
                if (doc.status() == CallStatus.DEAD && doc.queue().equals(queue)
                        && (function == null || function.equals(doc.functionName())) && replayOne(doc.callId())) {
                    replayed++;
                }
            }
            return replayed;
        });
    }

    @Override
    public CompletableFuture<Boolean> replay(String callId) {
        return async(() -> replayOne(callId));
    }

    /**
     * Publishes the kept request again, then marks the document queued: a crash in between leaves a
     * spare message, which is dropped when delivered, never a queued call without one.
     */
    private boolean replayOne(String callId) throws IOException, JetStreamApiException {
        var entry = broker.get(NatsNames.documentKey(callId));
        if (entry == null || !CallCodec.document(entry.value()).replayable()) {
            return false;
        }
        var kept = broker.deadLetter(names.deadSubject(callId));
        if (kept == null) {
            return false;
        }
        var call = CallCodec.call(kept);
        publish(call, callId + "/replay/" + UUID.randomUUID());
        var now = clock.instant();
        if (change(callId, doc -> doc.replayable() ? doc.requeued(now) : null) == null) {
            return false;
        }
        broker.purgeDeadLetter(names.deadSubject(callId));
        return true;
    }

    @Override
    public CompletableFuture<Integer> purgeDeadLetters(String queue, FunctionName function) {
        return async(() -> forgetWhere(doc -> doc.status() == CallStatus.DEAD && doc.queue().equals(queue)
                && (function == null || function.equals(doc.functionName()))));
    }

    @Override
    public CompletableFuture<Integer> forgetFinishedBefore(Instant cutoff) {
        return async(() -> forgetWhere(doc -> doc.status().isFinal() && doc.finishedAt() != null
                && doc.finishedAt().isBefore(cutoff)));
    }

    private int forgetWhere(java.util.function.Predicate<CallDocument> doomed)
            throws IOException, JetStreamApiException, InterruptedException {
        int forgotten = 0;
        for (var doc : broker.documents()) {
            if (!doomed.test(doc)) {
                continue;
            }
            broker.delete(NatsNames.documentKey(doc.callId()));
            broker.delete(NatsNames.resultKey(doc.callId()));
            if (doc.replayable()) {
                broker.purgeDeadLetter(names.deadSubject(doc.callId()));
            }
            if (doc.idempotencyKey() != null) {
                broker.delete(NatsNames.idempotencyKey(doc.functionName().qualified(), doc.idempotencyKey()));
            }
            forgotten++;
        }
        return forgotten;
    }

    @Override
    public void close() {
        io.close();
        broker.close();
    }
}
