package dev.jfaas.queue.document;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.QueuedCall;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The requests kept for dead and failed calls: read, replayed (queued again under the same call
 * id) or purged; and forgetting calls with everything kept for them (result, dead letter,
 * idempotency key). Each blocks on the broker.
 */
final class DeadLetters {

    private final CallBroker broker;
    private final Documents documents;
    private final Leasing leasing;
    private final Clock clock;
    /** Tells idle workers that a queue has a call again. */
    private final Consumer<String> announce;

    DeadLetters(CallBroker broker, Documents documents, Leasing leasing, Clock clock, Consumer<String> announce) {
        this.broker = broker;
        this.documents = documents;
        this.leasing = leasing;
        this.clock = clock;
        this.announce = announce;
    }

    private static Predicate<CallDocument> dead(String queue, FunctionName function) {
        return doc -> doc.status() == CallStatus.DEAD && doc.queue().equals(queue)
                && (function == null || function.equals(doc.functionName()));
    }

    Optional<QueuedCall> request(String callId) throws Exception {
        var doc = replayable(callId);
        return doc == null ? Optional.empty() : Optional.ofNullable(broker.deadLetter(doc)).map(CallCodec::call);
    }

    /** The call's document if its request is kept for replay (it is dead or failed), else null. */
    private CallDocument replayable(String callId) throws Exception {
        var entry = broker.get(DocumentKeys.document(callId));
        var doc = entry == null ? null : CallCodec.document(entry.value());
        return doc != null && doc.replayable() ? doc : null;
    }

    int replayAll(String queue, FunctionName function) throws Exception {
        int replayed = 0;
        for (var doc : documents.matching(dead(queue, function))) {
            if (replay(doc.callId())) {
                replayed++;
            }
        }
        return replayed;
    }

    /**
     * Publishes the kept request again, then marks the document queued: a crash in between leaves a
     * spare message, which is dropped when delivered, never a queued call without one.
     */
    boolean replay(String callId) throws Exception {
        var dead = replayable(callId);
        var kept = dead == null ? null : broker.deadLetter(dead);
        if (kept == null) {
            return false;
        }
        var call = CallCodec.call(kept);
        broker.prepare(call.queue());
        broker.publish(call, CallCodec.call(call), callId + "/replay/" + UUID.randomUUID(), 0).join();
        leasing.published(call.queue(), call.priority(), call.function());
        var now = clock.instant();
        if (documents.change(callId, doc -> doc.replayable() ? doc.requeued(now) : null) == null) {
            return false;
        }
        broker.purgeDeadLetter(dead);
        announce.accept(call.queue());
        return true;
    }

    int purge(String queue, FunctionName function) throws Exception {
        return forget(documents.matching(dead(queue, function)));
    }

    int forget(List<CallDocument> doomed) throws Exception {
        int forgotten = 0;
        for (var doc : doomed) {
            broker.delete(DocumentKeys.document(doc.callId()));
            if (doc.resultOf() != null && doc.result() == null) {
                broker.delete(DocumentKeys.result(doc.callId(), doc.resultOf()));
            }
            if (doc.replayable()) {
                broker.purgeDeadLetter(doc);
            }
            if (doc.idempotencyKey() != null) {
                broker.delete(DocumentKeys.idempotency(doc.functionName().qualified(), doc.idempotencyKey()));
            }
            forgotten++;
        }
        return forgotten;
    }
}
