package dev.jfaas.queue.document;

import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What happens to a lease held here after it was claimed: renewed, handed back for a retry, or
 * ended. Each starts from the document as this process last wrote it ({@code held}), so none
 * needs a read first; if another process changed it since (took the lease over, cancelled), the
 * compare-and-set sees it. None holds a thread while the broker answers.
 */
final class Ends {

    private final CallBroker broker;
    private final Documents documents;
    private final Map<String, Documents.Known> held;
    private final Clock clock;
    /** Where the one blocking write of an end (a dead letter) runs. */
    private final Executor blocking;

    Ends(CallBroker broker, Documents documents, Map<String, Documents.Known> held, Clock clock, Executor blocking) {
        this.broker = broker;
        this.documents = documents;
        this.held = held;
        this.clock = clock;
        this.blocking = blocking;
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
     * The result and dead letter first: a document that says "ended" always has them. The result
     * is this attempt's own, so writing it cannot spoil another attempt's; a small one rides in
     * the document itself, one write fewer. {@code known} is null for a lease not held here: its
     * document is read first.
     */
    CompletableFuture<Boolean> finish(Lease lease, Documents.Known known, CallStatus status, CallResponse response, String error) {
        var callId = lease.call().callId();
        var current = known != null ? CompletableFuture.completedFuture(known) : broker.getAsync(DocumentKeys.document(callId))
                .thenApply(entry -> entry == null ? null : new Documents.Known(CallCodec.document(entry.value()), entry.revision()));
        return current.thenCompose(doc -> {
            if (doc == null || !doc.doc().heldBy(lease.token())) {
                return CompletableFuture.completedFuture(false);
            }
            var result = response == null || CallDocument.inlines(response) ? CompletableFuture.<Void>completedFuture(null)
                    : broker.putAsync(DocumentKeys.result(callId, lease.token()), CallCodec.response(broker.fitted(response)));
            var kept = status == CallStatus.DEAD || status == CallStatus.FAILED
                    ? result.thenRunAsync(() -> keepDeadLetter(lease), blocking) : result; // rare: a blocking write
            var now = clock.instant();
            return kept.thenCompose(v -> documents.changeAsync(callId, doc, d -> d.heldBy(lease.token())
                    ? d.finished(status, response, error, now, lease.token()) : null)).thenApply(ended -> {
                        if (ended == null) {
                            return false;
                        }
                        broker.ack(doc.doc().delivery());
                        return true;
                    });
        });
    }

    private void keepDeadLetter(Lease lease) {
        try {
            broker.keepDeadLetter(lease.call(), CallCodec.call(lease.call()));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    CompletableFuture<Boolean> retryLater(Lease lease, Instant notBefore, CallResponse response, String error) {
        return waitAgain(lease, notBefore, doc -> doc.retrying(notBefore, response, error));
    }

    CompletableFuture<Boolean> pushBack(Lease lease, Instant notBefore) {
        return waitAgain(lease, notBefore, doc -> doc.pushedBack(notBefore));
    }

    private CompletableFuture<Boolean> waitAgain(Lease lease, Instant notBefore, java.util.function.UnaryOperator<CallDocument> change) {
        return documents.changeAsync(lease.call().callId(), held.remove(lease.token()),
                doc -> doc.heldBy(lease.token()) ? change.apply(doc) : null).thenApply(waiting -> {
                    if (waiting == null) {
                        return false;
                    }
                    broker.nak(waiting.doc().delivery(), Duration.between(clock.instant(), notBefore));
                    return true;
                });
    }
}
