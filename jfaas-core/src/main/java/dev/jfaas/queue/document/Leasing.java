package dev.jfaas.queue.document;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Lease;
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
import java.util.concurrent.ExecutorService;
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

    private final CallBroker broker;
    private final Map<String, Documents.Known> held;
    private final Clock clock;
    private final ExecutorService io;
    /** Per queue and priority: when to look again at a priority found empty ({@code System.nanoTime()}; 0 = look now). */
    private final Map<String, AtomicLongArray> emptyUntil = new ConcurrentHashMap<>();

    /** @param held where claimed leases are remembered, by token, with the document as written */
    Leasing(CallBroker broker, Map<String, Documents.Known> held, Clock clock, ExecutorService io) {
        this.broker = broker;
        this.held = held;
        this.clock = clock;
        this.io = io;
    }

    /** A call was queued here: its priority is worth asking again at once. */
    void published(String queue, int priority) {
        var empty = emptyUntil.get(queue);
        if (empty != null) {
            empty.set(priority, 0);
        }
    }

    /** Up to {@code max} leases of one queue's calls that may run now, skipping {@code skip}'s functions. */
    List<Lease> lease(String queue, int max, Duration leaseTime, Set<FunctionName> skip) throws Exception {
        var leases = new ArrayList<Lease>();
        if (max <= 0) {
            return leases;
        }
        var seen = new HashSet<String>();
        var empty = emptyUntil.computeIfAbsent(queue, q -> new AtomicLongArray(DocumentCallQueue.PRIORITIES));
        for (int priority = DocumentCallQueue.PRIORITIES - 1; priority >= 0 && leases.size() < max; priority--) {
            long now = System.nanoTime();
            long mark = empty.get(priority);
            if (mark != 0 && mark - now > 0) {
                continue;
            }
            var deliveries = broker.fetch(queue, priority, max - leases.size());
            if (deliveries.isEmpty()) {
                empty.set(priority, now + EMPTY_FOR_NANOS);
            }
            var claims = new ArrayList<CompletableFuture<Lease>>();
            for (var delivery : deliveries) {
                if (!seen.add(delivery.callId())) {
                    broker.nak(delivery.handle(), Duration.ZERO); // skipped earlier in this lease: leave it
                    continue;
                }
                claims.add(CompletableFuture.supplyAsync(() -> claimQuietly(delivery, leaseTime, skip), io));
            }
            for (var claim : claims) {
                var lease = claim.join();
                if (lease != null) {
                    leases.add(lease);
                }
            }
        }
        return leases;
    }

    private Lease claimQuietly(CallBroker.Delivery delivery, Duration leaseTime, Set<FunctionName> skip) {
        try {
            return claim(delivery, leaseTime, skip);
        } catch (Exception e) {
            // Left pending: the broker delivers it again after its redelivery wait.
            log.warn("could not lease call {}: {}", delivery.callId(), e.getMessage());
            return null;
        }
    }

    /** Makes one delivered message a lease, or puts it off, or drops it if its call has ended. */
    private Lease claim(CallBroker.Delivery delivery, Duration leaseTime, Set<FunctionName> skip) throws Exception {
        var callId = delivery.callId();
        var key = DocumentKeys.document(callId);
        var call = CallCodec.call(delivery.call());
        for (int i = 0; i < Documents.CAS_TRIES; i++) {
            var entry = broker.get(key);
            var now = clock.instant();
            if (entry == null) {
                if (Duration.between(call.acceptedAt(), now).compareTo(DOCUMENT_GRACE) < 0) {
                    broker.nak(delivery.handle(), DOCUMENT_WAIT); // its document is still being written
                } else {
                    broker.ack(delivery.handle()); // forgotten, or refused when it was accepted
                }
                return null;
            }
            var doc = CallCodec.document(entry.value());
            if (!doc.describes(call)) {
                broker.ack(delivery.handle()); // a refused accept whose id belongs to another call
                return null;
            }
            switch (doc.readiness(now)) {
                case ENDED -> {
                    broker.ack(delivery.handle());
                    return null;
                }
                case HELD, NOT_YET -> {
                    broker.nak(delivery.handle(), doc.waitLeft(now));
                    return null;
                }
                case RUNNABLE -> {
                    if (skip.contains(doc.functionName())) {
                        broker.nak(delivery.handle(), Duration.ZERO);
                        return null;
                    }
                }
            }
            var leased = doc.leased(UUID.randomUUID().toString(), delivery.handle(), now, leaseTime);
            long revision = broker.update(key, CallCodec.document(leased), entry.revision());
            if (revision > 0) {
                held.put(leased.token(), new Documents.Known(leased, revision));
                broker.nak(delivery.handle(), leaseTime);
                return new Lease(call, leased.token(), leased.attempts());
            }
        }
        broker.nak(delivery.handle(), Duration.ZERO);
        return null;
    }
}
