package dev.jfaas.queue.document;

import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What happens to a lease held here after it was claimed: renewed, handed back for a retry, or
 * ended. Each starts from the document as this process last wrote it ({@code held}), so none
 * needs a read first; if another process changed it since (took the lease over, cancelled), the
 * compare-and-set sees it. All but {@link #finishBlocking} hold no thread while the broker answers.
 */
final class Ends {

    private final CallBroker broker;
    private final Documents documents;
    private final Map<String, Documents.Known> held;
    private final Clock clock;

    Ends(CallBroker broker, Documents documents, Map<String, Documents.Known> held, Clock clock) {
        this.broker = broker;
        this.documents = documents;
        this.held = held;
        this.clock = clock;
    }

    CompletableFuture<Boolean> renew(Lease lease, Duration leaseTime) {
        var now = clock.instant();
        return documents.changeAsync(lease.call().callId(), held.get(lease.token()),
                doc -> doc.heldBy(lease.token()) ? doc.renewed(now.plus(leaseTime)) : null).thenApply(renewed -> {
                    if (renewed == null) {
                        held.remove(lease.token());
                        return false;
                    }
                    held.replace(lease.token(), renewed);
                    broker.nak(renewed.doc().delivery(), leaseTime);
                    return true;
                });
    }

    /**
     * A success of a lease held here. The result first: a document that says "ended" always has
     * it. The result is this attempt's own, so writing it cannot spoil another attempt's; a small
     * one rides in the document itself, one write fewer.
     */
    CompletableFuture<Boolean> finish(Lease lease, Documents.Known known, CallStatus status, CallResponse response, String error) {
        var callId = lease.call().callId();
        boolean inline = CallDocument.inlines(response);
        var stored = response == null || inline ? CompletableFuture.<Void>completedFuture(null)
                : broker.putAsync(DocumentKeys.result(callId, lease.token()), CallCodec.response(broker.fitted(response)));
        var now = clock.instant();
        return stored.thenCompose(v -> documents.changeAsync(callId, known, doc -> doc.heldBy(lease.token())
                ? doc.finished(status, response, error, now, lease.token(), inline) : null)).thenApply(ended -> {
                    if (ended == null) {
                        return false;
                    }
                    broker.ack(known.doc().delivery());
                    return true;
                });
    }

    /**
     * Any end, on a virtual thread: for a lease not held here ({@code known} null), or an end
     * that keeps a dead letter (the result and dead letter are written before the document).
     */
    boolean finishBlocking(Lease lease, Documents.Known known, CallStatus status, CallResponse response, String error)
            throws Exception {
        var callId = lease.call().callId();
        if (known == null) {
            var entry = broker.get(DocumentKeys.document(callId));
            if (entry == null || !CallCodec.document(entry.value()).heldBy(lease.token())) {
                return false;
            }
            known = new Documents.Known(CallCodec.document(entry.value()), entry.revision());
        }
        boolean inline = CallDocument.inlines(response);
        if (response != null && !inline) {
            broker.put(DocumentKeys.result(callId, lease.token()), CallCodec.response(broker.fitted(response)));
        }
        if (status == CallStatus.DEAD || status == CallStatus.FAILED) {
            broker.keepDeadLetter(lease.call(), CallCodec.call(lease.call()));
        }
        var now = clock.instant();
        var ended = documents.change(callId, known, doc -> doc.heldBy(lease.token())
                ? doc.finished(status, response, error, now, lease.token(), inline) : null);
        if (ended == null) {
            return false;
        }
        broker.ack(known.doc().delivery());
        return true;
    }

    CompletableFuture<Boolean> retryLater(Lease lease, Instant notBefore, CallResponse response, String error) {
        return documents.changeAsync(lease.call().callId(), held.remove(lease.token()),
                doc -> doc.heldBy(lease.token()) ? doc.retrying(notBefore, response, error) : null).thenApply(waiting -> {
                    if (waiting == null) {
                        return false;
                    }
                    broker.nak(waiting.doc().delivery(), Duration.between(clock.instant(), notBefore));
                    return true;
                });
    }
}
