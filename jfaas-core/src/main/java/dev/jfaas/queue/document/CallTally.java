package dev.jfaas.queue.document;

import dev.jfaas.queue.CallFilter;
import dev.jfaas.queue.CallRecord;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/** Answers the listing questions of {@code CallQueue} from a set of call documents. */
public final class CallTally {

    private CallTally() {}

    public static boolean matches(CallFilter filter, CallDocument doc) {
        return (filter.function() == null || filter.function().name().equals(doc.function())
                        && filter.function().namespace().equals(doc.namespace()))
                && (filter.status() == null || filter.status() == doc.status())
                && (filter.queue() == null || filter.queue().equals(doc.queue()));
    }

    /** Matching records, newest first, at most the filter's limit. */
    public static List<CallRecord> records(Collection<CallDocument> docs, CallFilter filter) {
        return docs.stream().filter(d -> matches(filter, d))
                .sorted(Comparator.comparing(CallDocument::acceptedAt).thenComparing(CallDocument::callId).reversed())
                .limit(filter.limit()).map(CallDocument::toRecord).toList();
    }

    public static List<QueueStats> stats(Collection<CallDocument> docs, Instant now) {
        record Key(String queue, String function, String namespace) {}
        final class Counts {
            long depth, inFlight, delayed, dead;
            Instant oldest;
        }
        var byKey = new LinkedHashMap<Key, Counts>();
        for (var doc : docs) {
            if (doc.status().isFinal() && doc.status() != CallStatus.DEAD) {
                continue;
            }
            var c = byKey.computeIfAbsent(new Key(doc.queue(), doc.function(), doc.namespace()), k -> new Counts());
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
        var out = new ArrayList<QueueStats>();
        byKey.forEach((k, c) -> {
            double age = c.oldest == null ? 0 : Math.max(0, Duration.between(c.oldest, now).toMillis() / 1000.0);
            out.add(new QueueStats(k.queue(), k.function(), k.namespace(), c.depth, c.inFlight, c.delayed, c.dead, age));
        });
        return out;
    }
}
