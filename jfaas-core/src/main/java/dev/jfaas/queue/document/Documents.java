package dev.jfaas.queue.document;

import dev.jfaas.queue.QueueUnavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** Call documents on a broker: read, and changed only by compare-and-set, re-reading on conflict. */
final class Documents {

    /** Compare-and-set attempts before giving up on a document that keeps changing under us. */
    static final int CAS_TRIES = 8;

    private final CallBroker broker;

    Documents(CallBroker broker) {
        this.broker = broker;
    }

    /** A document as this process last wrote it, and the revision that write got. */
    record Known(CallDocument doc, long revision) {}

    /**
     * Applies {@code change} to a call's document with compare-and-set, re-reading on conflict.
     * {@code change} returns null when the document is not in a state it applies to.
     */
    Known change(String callId, Function<CallDocument, CallDocument> change) throws Exception {
        return change(callId, null, change);
    }

    /** As above, trying {@code first} (the document as last read or written here) before reading it. */
    Known change(String callId, Known first, Function<CallDocument, CallDocument> change) throws Exception {
        var key = DocumentKeys.document(callId);
        var known = first;
        for (int i = 0; i < CAS_TRIES; i++) {
            if (known == null) {
                var entry = broker.get(key);
                if (entry == null) {
                    return null;
                }
                known = new Known(CallCodec.document(entry.value()), entry.revision());
            }
            var next = change.apply(known.doc());
            if (next == null) {
                return null;
            }
            long revision = broker.update(key, CallCodec.document(next), known.revision());
            if (revision > 0) {
                return new Known(next, revision);
            }
            known = null;
        }
        throw new QueueUnavailable("call " + callId + " keeps changing; try again");
    }

    /** The documents {@code test} picks, gathered in one pass (only those are held). */
    List<CallDocument> matching(Predicate<CallDocument> test) throws Exception {
        var picked = new ArrayList<CallDocument>();
        broker.eachDocument(doc -> {
            if (test.test(doc)) {
                picked.add(doc);
            }
        });
        return picked;
    }
}
