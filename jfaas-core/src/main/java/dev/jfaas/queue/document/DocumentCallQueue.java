package dev.jfaas.queue.document;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.CallFilter;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallRecord;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.FunctionRoom;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.QueuedCall;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call queue shared by every gateway and worker pointed at one broker, built on the few
 * operations of {@link CallBroker}. What a call's life looks like (status, attempts, who holds
 * it) is a {@link CallDocument}, changed only by compare-and-set, so two workers can never both
 * win a call; the call itself is a message in its queue, one work queue per priority, fetched
 * highest first. The lease time is per call, so a lease answers its delivery with "hand back
 * after the lease time": the message comes again only if the lease runs out; a renewal repeats
 * that, a retry hands it back for the backoff, the end acknowledges it. A delivery that comes
 * back while its document says the lease still runs is simply put off again.
 *
 * <p>Every method blocks on the broker on a virtual thread. While the broker is unreachable
 * every method fails at once with {@link QueueUnavailable}.
 */
public final class DocumentCallQueue implements CallQueue {

    private static final Logger log = LoggerFactory.getLogger(DocumentCallQueue.class);
    /** Priorities 0..9, each its own work queue. */
    public static final int PRIORITIES = 10;

    private final CallBroker broker;
    private final Clock clock;
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final Documents documents;
    private final Leasing leasing;
    private final Ends ends;
    private final DeadLetters deadLetters;
    /** Leases held by workers of this process, by token: their document as last written here. */
    private final Map<String, Documents.Known> held = new ConcurrentHashMap<>();
    /** Queues this process has published to: their setup is done, so accepts to them need not wait on a thread. */
    private final Set<String> published = ConcurrentHashMap.newKeySet();

    public DocumentCallQueue(CallBroker broker, Clock clock) {
        this.broker = broker;
        this.clock = clock;
        this.documents = new Documents(broker);
        this.leasing = new Leasing(broker, held, clock);
        this.ends = new Ends(broker, documents, held, clock, io);
        this.deadLetters = new DeadLetters(broker, documents, leasing, clock, this::announceQuietly);
    }

    public DocumentCallQueue(CallBroker broker) {
        this(broker, Clock.systemUTC());
    }

    private <T> CompletableFuture<T> async(BrokerWork<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            broker.requireConnected();
            try {
                return work.run();
            } catch (QueueUnavailable | IllegalArgumentException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueueUnavailable("interrupted", e);
            } catch (Exception e) {
                throw unavailable(e);
            }
        }, io);
    }

    @FunctionalInterface
    private interface BrokerWork<T> {
        T run() throws Exception;
    }

    /** As {@link #async}, for work that holds no thread while the broker answers. */
    private <T> CompletableFuture<T> chain(java.util.function.Supplier<CompletableFuture<T>> work) {
        try {
            broker.requireConnected();
            return work.get().exceptionallyCompose(failure -> CompletableFuture.failedFuture(refusal(failure)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(refusal(e));
        }
    }

    private static RuntimeException refusal(Throwable failure) {
        var cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof IllegalArgumentException bad ? bad : unavailable(failure);
    }

    @Override
    public CompletableFuture<Accepted> enqueue(QueuedCall call) {
        if (call.idempotencyKey() == null && published.contains(call.queue())) {
            return store(call); // nothing to look up or set up first: no thread needs to wait
        }
        return async(() -> {
            String idemKey = null;
            if (call.idempotencyKey() != null) {
                idemKey = DocumentKeys.idempotency(call.function().qualified(), call.idempotencyKey());
                var earlier = claimIdempotencyKey(idemKey, call.callId());
                if (earlier != null) {
                    return new Accepted(earlier, Accepted.Kind.IDEMPOTENT_REPEAT);
                }
            }
            Accepted accepted;
            try {
                broker.prepare(call.queue()); // once per queue and process, before any publish to it
                accepted = store(call).join();
            } catch (java.util.concurrent.CompletionException e) {
                if (idemKey != null) {
                    forgetQuietly(null, idemKey);
                }
                throw unavailable(e);
            }
            if (accepted.kind() == Accepted.Kind.ID_TAKEN && idemKey != null) {
                broker.delete(idemKey); // before answering: the caller tries again with a new id and the same key
            }
            return accepted;
        });
    }

    /**
     * Writes the call's document and its message, which carries the document's revision so that
     * its first lease needs no read (one round trip where the broker can, see
     * {@link CallBroker#createAndPublish}); no thread waits meanwhile. A message whose document is
     * not there (a process that died in between, a gateway of an earlier version) is put off
     * when delivered, then dropped (see {@link Leasing}).
     */
    private CompletableFuture<Accepted> store(QueuedCall call) {
        CompletableFuture<Long> stored;
        try {
            broker.requireConnected();
            stored = broker.createAndPublish(DocumentKeys.document(call.callId()),
                    CallCodec.document(CallDocument.queued(call)), call, CallCodec.call(call));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(unavailable(e));
        }
        return stored.handle((revision, failure) -> {
            if (failure != null) {
                // Not stored, so not accepted: a document written before the message failed goes.
                io.execute(() -> forgetQuietly(call.callId(), null));
                throw unavailable(failure);
            }
            if (revision == 0) {
                return new Accepted(call.callId(), Accepted.Kind.ID_TAKEN);
            }
            leasing.published(call.queue(), call.priority(), call.function());
            published.add(call.queue());
            announceQuietly(call.queue());
            return new Accepted(call.callId(), Accepted.Kind.NEW);
        });
    }

    private static QueueUnavailable unavailable(Throwable failure) {
        var cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof QueueUnavailable q ? q : new QueueUnavailable("the broker did not answer: " + cause.getMessage(), cause);
    }

    private void announceQuietly(String queue) {
        try {
            broker.announce(queue);
        } catch (Exception e) {
            log.debug("could not announce a call in {}: {}", queue, e.getMessage()); // workers still poll
        }
    }

    @Override
    public AutoCloseable onArrival(java.util.function.Consumer<String> listener) {
        try {
            return broker.onAnnounce(listener);
        } catch (Exception e) {
            log.warn("cannot listen for new calls ({}); workers find them by polling", e.getMessage());
            return () -> { };
        }
    }

    /** Takes the key for this call; returns the earlier call's id if another live call has it. */
    private String claimIdempotencyKey(String key, String callId) throws Exception {
        for (int i = 0; i < Documents.CAS_TRIES; i++) {
            if (broker.create(key, callId.getBytes())) {
                return null;
            }
            var entry = broker.get(key);
            if (entry == null) {
                continue;
            }
            var earlier = new String(entry.value());
            if (documentAppears(earlier)) {
                return earlier;
            }
            if (broker.update(key, callId.getBytes(), entry.revision()) > 0) {
                return null; // the earlier call was forgotten: the key is free again
            }
        }
        throw new QueueUnavailable("idempotency key " + key + " keeps changing");
    }

    /**
     * Whether the call that holds a key has its document, waiting a little for it: another process
     * claims the key first and writes the document after, so a key without a document may be a
     * claim in progress (two gateways queueing one cron firing at the same instant), not a call
     * that was forgotten. Only a claim whose document never comes is taken over.
     */
    private boolean documentAppears(String callId) throws Exception {
        long wait = 20;
        for (int i = 0; i < 7; i++) {
            if (broker.get(DocumentKeys.document(callId)) != null) {
                return true;
            }
            Thread.sleep(wait);
            wait *= 2;
        }
        return broker.get(DocumentKeys.document(callId)) != null;
    }

    /** Takes back what a refused accept wrote; either may be null. */
    private void forgetQuietly(String callId, String idemKey) {
        try {
            if (callId != null) {
                broker.delete(DocumentKeys.document(callId));
            }
            if (idemKey != null) {
                broker.delete(idemKey);
            }
        } catch (Exception e) {
            log.warn("call {} was refused but its document could not be removed: {}", callId, e.getMessage());
        }
    }

    @Override
    public CompletableFuture<List<Lease>> lease(String queue, int max, Duration leaseTime, FunctionRoom room) {
        try {
            broker.requireConnected();
        } catch (QueueUnavailable e) {
            return CompletableFuture.failedFuture(e);
        }
        return leasing.lease(queue, max, leaseTime, room).exceptionallyCompose(failure -> CompletableFuture.failedFuture(unavailable(failure)));
    }

    @Override
    public CompletableFuture<Boolean> renew(Lease lease, Duration leaseTime) {
        return chain(() -> ends.renew(lease, leaseTime));
    }

    @Override
    public CompletableFuture<Boolean> finish(Lease lease, CallStatus status, CallResponse response, String error) {
        if (!status.isFinal() || status == CallStatus.CANCELLED) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not an end state: " + status));
        }
        return chain(() -> ends.finish(lease, held.remove(lease.token()), status, response, error));
    }

    @Override
    public CompletableFuture<Boolean> retryLater(Lease lease, Instant notBefore, CallResponse response, String error) {
        return chain(() -> ends.retryLater(lease, notBefore, response, error));
    }

    @Override
    public CompletableFuture<Boolean> pushBack(Lease lease, Instant notBefore) {
        return chain(() -> ends.pushBack(lease, notBefore));
    }

    @Override
    public CompletableFuture<Boolean> cancel(String callId) {
        return async(() -> {
            var now = clock.instant();
            String[] delivery = new String[1];
            var cancelled = documents.change(callId, doc -> {
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
            documents.change(callId, doc -> doc.withCallbackStatus(callbackStatus));
            return null;
        });
    }

    @Override
    public CompletableFuture<Optional<CallRecord>> record(String callId) {
        return async(() -> Optional.ofNullable(broker.get(DocumentKeys.document(callId)))
                .map(entry -> CallCodec.document(entry.value()).toRecord()));
    }

    @Override
    public CompletableFuture<Optional<CallResponse>> result(String callId) {
        return async(() -> {
            var entry = broker.get(DocumentKeys.document(callId));
            var doc = entry == null ? null : CallCodec.document(entry.value());
            if (doc == null || !doc.status().isFinal() || doc.resultOf() == null) {
                return Optional.empty();
            }
            if (doc.result() != null) {
                return Optional.of(doc.result());
            }
            return Optional.ofNullable(broker.get(DocumentKeys.result(callId, doc.resultOf())))
                    .map(e -> CallCodec.response(e.value()));
        });
    }

    @Override
    public CompletableFuture<List<CallRecord>> records(CallFilter filter) {
        return async(() -> {
            var newest = new CallTally.Newest(filter);
            broker.eachDocument(newest);
            return newest.records();
        });
    }

    @Override
    public CompletableFuture<List<QueueStats>> stats() {
        return async(() -> {
            var counts = new CallTally.Counts(clock.instant());
            broker.eachDocument(counts);
            return counts.stats();
        });
    }

    @Override
    public CompletableFuture<List<QueueStats>> load() {
        return async(broker::load);
    }

    @Override
    public CompletableFuture<Integer> replayDeadLetters(String queue, FunctionName function) {
        return async(() -> deadLetters.replayAll(queue, function));
    }

    @Override
    public CompletableFuture<Optional<QueuedCall>> deadLetter(String callId) {
        return async(() -> deadLetters.request(callId));
    }

    @Override
    public CompletableFuture<Boolean> replay(String callId) {
        return async(() -> deadLetters.replay(callId));
    }

    @Override
    public CompletableFuture<Integer> purgeDeadLetters(String queue, FunctionName function) {
        return async(() -> deadLetters.purge(queue, function));
    }

    @Override
    public CompletableFuture<Integer> forgetFinishedBefore(Instant cutoff) {
        return async(() -> deadLetters.forget(documents.matchingWrittenBefore(cutoff, doc -> doc.status().isFinal()
                && doc.finishedAt() != null && doc.finishedAt().isBefore(cutoff))));
    }

    @Override
    public void close() {
        io.close();
        broker.close();
    }
}
