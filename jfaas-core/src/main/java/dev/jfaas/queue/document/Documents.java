package dev.jfaas.queue.document;

import dev.jfaas.queue.QueueUnavailable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
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
        try {
            return changeAsync(callId, first, change).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** {@link #change} without holding a thread while the broker answers. */
    CompletableFuture<Known> changeAsync(String callId, Known first, Function<CallDocument, CallDocument> change) {
        return changeAsync(DocumentKeys.document(callId), callId, first, change, 0);
    }

    private CompletableFuture<Known> changeAsync(String key, String callId, Known known, Function<CallDocument, CallDocument> change,
            int tries) {
        if (tries == CAS_TRIES) {
            return CompletableFuture.failedFuture(new QueueUnavailable("call " + callId + " keeps changing; try again"));
        }
        var current = known != null ? CompletableFuture.completedFuture(known) : broker.getAsync(key)
                .thenApply(entry -> entry == null ? null : new Known(CallCodec.document(entry.value()), entry.revision()));
        return current.thenCompose(doc -> {
            var next = doc == null ? null : change.apply(doc.doc());
            if (next == null) {
                return CompletableFuture.completedFuture(null);
            }
            return broker.updateAsync(key, CallCodec.document(next), doc.revision()).thenCompose(revision -> revision > 0
                    ? CompletableFuture.completedFuture(new Known(next, revision))
                    : changeAsync(key, callId, null, change, tries + 1));
        });
    }

    /** The documents {@code test} picks, gathered in one pass (only those are held). */
    List<CallDocument> matching(Predicate<CallDocument> test) throws Exception {
        var picked = new ArrayList<CallDocument>();
        broker.eachDocument(picking(test, picked));
        return picked;
    }

    /** {@link #matching} among the documents last written before {@code before} (see {@link CallBroker#eachDocumentWrittenBefore}). */
    List<CallDocument> matchingWrittenBefore(Instant before, Predicate<CallDocument> test) throws Exception {
        var picked = new ArrayList<CallDocument>();
        broker.eachDocumentWrittenBefore(before, picking(test, picked));
        return picked;
    }

    private static Consumer<CallDocument> picking(Predicate<CallDocument> test, List<CallDocument> picked) {
        return doc -> {
            if (test.test(doc)) {
                picked.add(doc);
            }
        };
    }
}
