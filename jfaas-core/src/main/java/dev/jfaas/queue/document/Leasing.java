package dev.jfaas.queue.document;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueuedCall;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns deliveries into leases: fetches a queue's priorities highest first and claims each
 * delivery by compare-and-set on its call's document, or puts it off, or drops it.
 */
final class Leasing {

    private static final Logger log = LoggerFactory.getLogger(Leasing.class);
    /**
     * A priority found empty is not asked again for this long, so a lease costs one or two
     * fetches rather than ten. Calls this process queues clear the mark at once; calls queued by
     * another gateway wait at most this long to be seen at a priority that was empty.
     */
    private static final long EMPTY_FOR_NANOS = 50_000_000;
    /** How long a message may wait for the document written beside it, and how often it looks. */
    private static final Duration DOCUMENT_GRACE = Duration.ofSeconds(30);
    private static final Duration DOCUMENT_WAIT = Duration.ofMillis(100);
    private static final CompletableFuture<Lease> NONE = CompletableFuture.completedFuture(null);

    private final CallBroker broker;
    private final Map<String, Documents.Known> held;
    private final Clock clock;
    /** Per queue and priority: when to look again at a priority found empty ({@code System.nanoTime()}; 0 = look now). */
    private final Map<String, AtomicLongArray> emptyUntil = new ConcurrentHashMap<>();

    /** @param held where claimed leases are remembered, by token, with the document as written */
    Leasing(CallBroker broker, Map<String, Documents.Known> held, Clock clock) {
        this.broker = broker;
        this.held = held;
        this.clock = clock;
    }

    /** A call was queued here: its priority is worth asking again at once. */
    void published(String queue, int priority) {
        var empty = emptyUntil.get(queue);
        if (empty != null) {
            empty.set(priority, 0);
        }
    }

    /**
     * Up to {@code max} leases of one queue's calls that may run now, skipping {@code skip}'s
     * functions: priorities highest first, each fetched and its deliveries claimed before the next,
     * without a thread waiting on the broker meanwhile.
     */
    CompletableFuture<List<Lease>> lease(String queue, int max, Duration leaseTime, Set<FunctionName> skip) {
        var round = new Round(queue, max, leaseTime, skip, emptyUntil.computeIfAbsent(queue,
                q -> new AtomicLongArray(DocumentCallQueue.PRIORITIES)));
        return max <= 0 ? CompletableFuture.completedFuture(round.leases) : from(DocumentCallQueue.PRIORITIES - 1, round);
    }

    /** One lease request as it goes down the priorities; touched by one stage at a time. */
    private record Round(String queue, int max, Duration leaseTime, Set<FunctionName> skip, AtomicLongArray empty,
            List<Lease> leases, Set<String> seen) {
        Round(String queue, int max, Duration leaseTime, Set<FunctionName> skip, AtomicLongArray empty) {
            this(queue, max, leaseTime, skip, empty, new ArrayList<>(), new HashSet<>());
        }
    }

    private CompletableFuture<List<Lease>> from(int start, Round round) {
        for (int priority = start; priority >= 0 && round.leases.size() < round.max; priority--) {
            long now = System.nanoTime();
            long mark = round.empty.get(priority);
            if (mark != 0 && mark - now > 0) {
                continue;
            }
            int fetched = priority;
            return broker.fetchAsync(round.queue, priority, round.max - round.leases.size())
                    .thenCompose(deliveries -> claimAll(deliveries, fetched, now, round))
                    .thenCompose(v -> from(fetched - 1, round));
        }
        return CompletableFuture.completedFuture(round.leases);
    }

    private CompletableFuture<Void> claimAll(List<CallBroker.Delivery> deliveries, int priority, long fetchedAt, Round round) {
        if (deliveries.isEmpty()) {
            round.empty.set(priority, fetchedAt + EMPTY_FOR_NANOS);
            return CompletableFuture.completedFuture(null);
        }
        var claims = new ArrayList<CompletableFuture<Lease>>(deliveries.size());
        for (var delivery : deliveries) {
            if (!round.seen.add(delivery.callId())) {
                broker.nak(delivery.handle(), Duration.ZERO); // skipped earlier in this lease: leave it
                continue;
            }
            var claim = delivery.revision() > 0 ? claimFirst(delivery, round.leaseTime, round.skip)
                    : claim(delivery, round.leaseTime, round.skip, 0);
            claims.add(claim.exceptionally(failure -> {
                // Left pending: the broker delivers it again after its redelivery wait.
                log.warn("could not lease call {}: {}", delivery.callId(), failure.getMessage());
                return null;
            }));
        }
        return CompletableFuture.allOf(claims.toArray(CompletableFuture[]::new)).thenRun(() -> {
            for (var claim : claims) {
                var lease = claim.join(); // done: allOf completed
                if (lease != null) {
                    round.leases.add(lease);
                }
            }
        });
    }

    /**
     * A call's first delivery, whose document is most likely still as it was queued: written
     * leased straight away with a compare-and-set on the revision the message carries, without
     * reading it. If anything changed it since (a cancel, an earlier lease), the compare fails
     * and the delivery is claimed the usual way.
     */
    private CompletableFuture<Lease> claimFirst(CallBroker.Delivery delivery, Duration leaseTime, Set<FunctionName> skip) {
        var call = CallCodec.call(delivery.call());
        var now = clock.instant();
        var queued = CallDocument.queued(call);
        if (skip.contains(queued.functionName()) || queued.readiness(now) != CallDocument.Readiness.RUNNABLE) {
            return claim(delivery, leaseTime, skip, 0);
        }
        var leased = queued.leased(UUID.randomUUID().toString(), delivery.handle(), now, leaseTime);
        return broker.updateAsync(DocumentKeys.document(call.callId()), CallCodec.document(leased), delivery.revision())
                .thenCompose(revision -> revision == 0 ? claim(delivery, leaseTime, skip, 1) : leased(call, leased, revision, delivery, leaseTime));
    }

    private CompletableFuture<Lease> leased(QueuedCall call, CallDocument leased, long revision, CallBroker.Delivery delivery,
            Duration leaseTime) {
        held.put(leased.token(), new Documents.Known(leased, revision));
        if (!leaseTime.equals(broker.redeliveryWait())) {
            broker.nak(delivery.handle(), leaseTime); // comes back when the lease runs out, not at the broker's own wait
        }
        return CompletableFuture.completedFuture(new Lease(call, leased.token(), leased.attempts()));
    }

    /**
     * Makes one delivered message a lease, or puts it off, or drops it if its call has ended,
     * without holding a thread while the broker answers.
     */
    private CompletableFuture<Lease> claim(CallBroker.Delivery delivery, Duration leaseTime, Set<FunctionName> skip, int tries) {
        if (tries == Documents.CAS_TRIES) {
            broker.nak(delivery.handle(), Duration.ZERO);
            return CompletableFuture.completedFuture(null);
        }
        var key = DocumentKeys.document(delivery.callId());
        return broker.getAsync(key).thenCompose(entry -> {
            var call = CallCodec.call(delivery.call());
            var now = clock.instant();
            if (entry == null) {
                if (Duration.between(call.acceptedAt(), now).compareTo(DOCUMENT_GRACE) < 0) {
                    broker.nak(delivery.handle(), DOCUMENT_WAIT); // its document is still being written
                } else {
                    broker.ack(delivery.handle()); // forgotten, or refused when it was accepted
                }
                return NONE;
            }
            var doc = CallCodec.document(entry.value());
            if (!doc.describes(call)) {
                broker.ack(delivery.handle()); // a refused accept whose id belongs to another call
                return NONE;
            }
            switch (doc.readiness(now)) {
                case ENDED -> {
                    broker.ack(delivery.handle());
                    return NONE;
                }
                case HELD, NOT_YET -> {
                    broker.nak(delivery.handle(), doc.waitLeft(now));
                    return NONE;
                }
                case RUNNABLE -> {
                    if (skip.contains(doc.functionName())) {
                        broker.nak(delivery.handle(), Duration.ZERO);
                        return NONE;
                    }
                }
            }
            var leased = doc.leased(UUID.randomUUID().toString(), delivery.handle(), now, leaseTime);
            return broker.updateAsync(key, CallCodec.document(leased), entry.revision()).thenCompose(revision -> revision == 0
                    ? claim(delivery, leaseTime, skip, tries + 1) : leased(call, leased, revision, delivery, leaseTime));
        });
    }
}
