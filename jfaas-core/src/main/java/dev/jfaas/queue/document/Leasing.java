package dev.jfaas.queue.document;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.FairShare;
import dev.jfaas.queue.FunctionRoom;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueuedCall;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns deliveries into leases: asks the broker which functions of a queue have work, lets them
 * take turns ({@link FairShare}: a share of the lease each, then what is left to those with more),
 * fetches each function's priorities highest first, and claims each delivery by compare-and-set
 * on its call's document, or puts it off, or drops it.
 */
final class Leasing {

    private static final Logger log = LoggerFactory.getLogger(Leasing.class);
    /**
     * A queue's backlog, and a priority and function found with nothing to deliver, are not asked
     * again for this long, so a lease costs a fetch or two rather than one per priority. Calls
     * this process queues clear both at once; calls queued by another gateway wait at most this
     * long to be seen.
     */
    private static final long STALE_AFTER_NANOS = 50_000_000;
    /** How long a message may wait for the document written beside it, and how often it looks. */
    private static final Duration DOCUMENT_GRACE = Duration.ofSeconds(30);
    private static final Duration DOCUMENT_WAIT = Duration.ofMillis(100);
    private static final CompletableFuture<Lease> NONE = CompletableFuture.completedFuture(null);

    private final CallBroker broker;
    private final Map<String, Documents.Known> held;
    private final Clock clock;
    private final FairShare fairShare = new FairShare();
    /** Per queue: its backlog as last read, until when it is trusted ({@code System.nanoTime()}). */
    private final Map<String, Read> backlogs = new ConcurrentHashMap<>();
    /** Per queue, priority and function found with nothing to deliver: when to look again. */
    private final Map<Place, Long> emptyUntil = new ConcurrentHashMap<>();

    private record Read(Set<CallBroker.Backlog> backlog, long until) {}

    private record Place(String queue, int priority, FunctionName function) {}

    /** @param held where claimed leases are remembered, by token, with the document as written */
    Leasing(CallBroker broker, Map<String, Documents.Known> held, Clock clock) {
        this.broker = broker;
        this.held = held;
        this.clock = clock;
    }

    /** A call was queued here: its place is worth asking at once. */
    void published(String queue, int priority, FunctionName function) {
        emptyUntil.remove(new Place(queue, priority, function));
        var read = backlogs.get(queue);
        if (read != null && !read.backlog.contains(new CallBroker.Backlog(priority, function))) {
            backlogs.remove(queue);
        }
    }

    /**
     * Up to {@code max} leases of one queue's calls that may run now, at most {@code room}'s of
     * each function, without a thread waiting on the broker meanwhile.
     */
    CompletableFuture<List<Lease>> lease(String queue, int max, Duration leaseTime, FunctionRoom room) {
        if (max <= 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return backlog(queue).thenCompose(backlog -> {
            var work = new HashMap<FunctionName, List<Integer>>();
            long now = System.nanoTime();
            for (var place : backlog) {
                var mark = emptyUntil.get(new Place(queue, place.priority(), place.function()));
                if (mark != null && mark - now > 0) {
                    continue;
                }
                if (room.of(place.function()) > 0) {
                    work.computeIfAbsent(place.function(), f -> new ArrayList<>()).add(place.priority());
                }
            }
            fairShare.keepOnly(queue, backlog.stream().map(CallBroker.Backlog::function).toList());
            work.values().forEach(priorities -> priorities.sort(java.util.Comparator.reverseOrder()));
            var round = new Round(queue, max, leaseTime, room, work);
            var turns = fairShare.turns(queue, work.keySet());
            int share = Math.max(1, (max + turns.size() - 1) / Math.max(1, turns.size()));
            // A share each first, so every function with work gets its turn; then what is left
            // goes round again to those that may have more.
            return pass(turns, 0, share, round).thenCompose(v -> pass(turns, 0, Integer.MAX_VALUE, round))
                    .thenApply(v -> round.leases);
        });
    }

    private CompletableFuture<Set<CallBroker.Backlog>> backlog(String queue) {
        var read = backlogs.get(queue);
        long now = System.nanoTime();
        if (read != null && read.until - now > 0) {
            return CompletableFuture.completedFuture(read.backlog);
        }
        return broker.backlogAsync(queue).thenApply(backlog -> {
            var places = Set.copyOf(backlog);
            backlogs.put(queue, new Read(places, now + STALE_AFTER_NANOS));
            return places;
        });
    }

    /** One lease request as it goes through the functions; touched by one stage at a time. */
    private record Round(String queue, int max, Duration leaseTime, FunctionRoom room, Map<FunctionName, List<Integer>> work,
            List<Lease> leases, Set<String> seen, Map<FunctionName, Integer> taken, Set<FunctionName> drained) {
        Round(String queue, int max, Duration leaseTime, FunctionRoom room, Map<FunctionName, List<Integer>> work) {
            this(queue, max, leaseTime, room, work, new ArrayList<>(), new HashSet<>(), new HashMap<>(), new HashSet<>());
        }

        int left() {
            return max - leases.size();
        }
    }

    private CompletableFuture<Void> pass(List<FunctionName> turns, int at, int share, Round round) {
        for (int i = at; i < turns.size() && round.left() > 0; i++) {
            var function = turns.get(i);
            int before = round.taken.getOrDefault(function, 0);
            int want = Math.min(round.left(), Math.min(share, round.room.of(function) - before));
            if (want <= 0 || round.drained.contains(function)) {
                continue;
            }
            int next = i + 1;
            return take(function, round.work.get(function), 0, before + want, round)
                    .thenCompose(v -> pass(turns, next, share, round));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Fetches {@code function}'s priorities from {@code index} on until it has taken {@code upTo} calls in this round. */
    private CompletableFuture<Void> take(FunctionName function, List<Integer> priorities, int index, int upTo, Round round) {
        int want = Math.min(round.left(), upTo - round.taken.getOrDefault(function, 0));
        if (want <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (index >= priorities.size()) {
            round.drained.add(function);
            return CompletableFuture.completedFuture(null);
        }
        int priority = priorities.get(index);
        long asked = System.nanoTime();
        return broker.fetchAsync(round.queue, priority, function, want).thenCompose(deliveries -> {
            if (deliveries.isEmpty()) {
                emptyUntil.put(new Place(round.queue, priority, function), asked + STALE_AFTER_NANOS);
            }
            // Fewer than asked: this priority has no more now, so the next is asked next.
            int nextIndex = deliveries.size() < want ? index + 1 : index;
            return claimAll(deliveries, round).thenCompose(v -> take(function, priorities, nextIndex, upTo, round));
        });
    }

    private CompletableFuture<Void> claimAll(List<CallBroker.Delivery> deliveries, Round round) {
        var claims = new ArrayList<CompletableFuture<Lease>>(deliveries.size());
        for (var delivery : deliveries) {
            if (!round.seen.add(delivery.callId())) {
                broker.nak(delivery.handle(), Duration.ZERO); // claimed earlier in this lease: leave it
                continue;
            }
            var claim = delivery.revision() > 0 ? claimFirst(delivery, round.leaseTime) : claim(delivery, round.leaseTime, 0);
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
                    round.taken.merge(lease.call().function(), 1, Integer::sum);
                    fairShare.served(round.queue, lease.call().function());
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
    private CompletableFuture<Lease> claimFirst(CallBroker.Delivery delivery, Duration leaseTime) {
        var call = CallCodec.call(delivery.call());
        var now = clock.instant();
        var queued = CallDocument.queued(call);
        if (queued.readiness(now) != CallDocument.Readiness.RUNNABLE) {
            return claim(delivery, leaseTime, 0);
        }
        var leased = queued.leased(UUID.randomUUID().toString(), delivery.handle(), now, leaseTime);
        return broker.updateAsync(DocumentKeys.document(call.callId()), CallCodec.document(leased), delivery.revision())
                .thenCompose(revision -> revision == 0 ? claim(delivery, leaseTime, 1) : leased(call, leased, revision, delivery, leaseTime));
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
    private CompletableFuture<Lease> claim(CallBroker.Delivery delivery, Duration leaseTime, int tries) {
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
                    // claimed below
                }
            }
            var leased = doc.leased(UUID.randomUUID().toString(), delivery.handle(), now, leaseTime);
            return broker.updateAsync(key, CallCodec.document(leased), entry.revision()).thenCompose(revision -> revision == 0
                    ? claim(delivery, leaseTime, tries + 1) : leased(call, leased, revision, delivery, leaseTime));
        });
    }
}
