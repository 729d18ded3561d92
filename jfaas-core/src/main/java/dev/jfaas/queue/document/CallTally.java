package dev.jfaas.queue.document;

import dev.jfaas.queue.CallFilter;
import dev.jfaas.queue.CallRecord;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Answers the listing questions of {@code CallQueue} while call documents stream past, holding
 * only the answer: counts per queue and function, or the newest few matching records.
 */
public final class CallTally {

    private CallTally() {}

    public static boolean matches(CallFilter filter, CallDocument doc) {
        return (filter.function() == null || filter.function().name().equals(doc.function())
                        && filter.function().namespace().equals(doc.namespace()))
                && (filter.status() == null || filter.status() == doc.status())
                && (filter.queue() == null || filter.queue().equals(doc.queue()));
    }

    private static final Comparator<CallDocument> NEWEST_FIRST =
            Comparator.comparing(CallDocument::acceptedAt).thenComparing(CallDocument::callId).reversed();

    /** The newest {@code limit} documents matching a filter. */
    public static final class Newest implements Consumer<CallDocument> {

        private final CallFilter filter;
        /** Oldest on top, so the oldest is dropped when a newer one comes. */
        private final PriorityQueue<CallDocument> kept = new PriorityQueue<>(NEWEST_FIRST.reversed());

        public Newest(CallFilter filter) {
            this.filter = filter;
        }

        @Override
        public void accept(CallDocument doc) {
            if (filter.limit() <= 0 || !matches(filter, doc)) {
                return;
            }
            kept.add(doc);
            if (kept.size() > filter.limit()) {
                kept.poll();
            }
        }

        public List<CallRecord> records() {
            return kept.stream().sorted(NEWEST_FIRST).map(CallDocument::toRecord).toList();
        }
    }

    /** Waiting, in flight, delayed and dead per queue and function. */
    public static final class Counts implements Consumer<CallDocument> {

        private record Key(String queue, String function, String namespace) {}

        private static final class Count {
            long depth, inFlight, delayed, dead;
            Instant oldest;
        }

        private final Instant now;
        private final Map<Key, Count> byKey = new LinkedHashMap<>();

        public Counts(Instant now) {
            this.now = now;
        }

        @Override
        public void accept(CallDocument doc) {
            if (doc.status().isFinal() && doc.status() != CallStatus.DEAD) {
                return;
            }
            var c = byKey.computeIfAbsent(new Key(doc.queue(), doc.function(), doc.namespace()), k -> new Count());
            switch (doc.status()) {
                case RUNNING -> c.inFlight++;
                case DEAD -> c.dead++;
                default -> {
                    c.depth++;
                    if (doc.notBefore() != null && doc.notBefore().isAfter(now)) {
                        c.delayed++;
                    }
                    if (c.oldest == null || doc.acceptedAt().isBefore(c.oldest)) {
                        c.oldest = doc.acceptedAt();
                    }
                }
            }
        }

        public List<QueueStats> stats() {
            var out = new ArrayList<QueueStats>();
            byKey.forEach((k, c) -> out.add(new QueueStats(k.queue(), k.function(), k.namespace(), c.depth, c.inFlight,
                    c.delayed, c.dead, ageSeconds(c.oldest, now))));
            return out;
        }
    }

    public static double ageSeconds(Instant oldest, Instant now) {
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
    }
}
