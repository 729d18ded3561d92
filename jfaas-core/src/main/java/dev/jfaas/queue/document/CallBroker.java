package dev.jfaas.queue.document;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.QueuedCall;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What a message broker must offer for {@link DocumentCallQueue} to build a shared call queue on
 * it: small documents with compare-and-set, a work queue per named queue and priority whose
 * deliveries can be acknowledged or handed back for later, and a place for dead letters. Each
 * method blocks; transport failures surface as exceptions, an unreachable broker as
 * {@link dev.jfaas.queue.QueueUnavailable}.
 */
public interface CallBroker extends AutoCloseable {

    /** A document as stored, with the revision a compare-and-set must name. */
    record Stored(byte[] value, long revision) {}

    /**
     * One delivery of a queued call.
     *
     * @param handle how to acknowledge or hand back this delivery, from any process
     * @param revision the revision its document was created at, if the broker knows this is the
     *     call's first delivery; else 0. A lease can then be claimed without reading the document
     *     (a compare-and-set on that revision fails if anything changed it).
     */
    record Delivery(String callId, byte[] call, String handle, long revision) {}

    /** Fails at once with {@code QueueUnavailable} while the broker cannot be reached. */
    void requireConnected();

    Stored get(String key) throws Exception;

    /** {@link #get} without holding a thread while the broker answers. */
    CompletableFuture<Stored> getAsync(String key);

    /** Creates a document that must not exist; false if it does. */
    boolean create(String key, byte[] value) throws Exception;

    /**
     * {@link #create} without holding a thread while the broker answers: the new document's
     * revision, or 0 if the key exists.
     */
    CompletableFuture<Long> createAsync(String key, byte[] value);

    /** Compare-and-set: writes only if the document is still at {@code revision}; returns the new revision, 0 if it was not. */
    long update(String key, byte[] value, long revision) throws Exception;

    /** {@link #update} without holding a thread while the broker answers. */
    CompletableFuture<Long> updateAsync(String key, byte[] value, long revision);

    void put(String key, byte[] value) throws Exception;

    /** {@link #put} without holding a thread while the broker answers. */
    CompletableFuture<Void> putAsync(String key, byte[] value);

    void delete(String key) throws Exception;

    /** Hands every call document ({@code c.} keys) to {@code visitor}, in one pass, without holding them all. */
    void eachDocument(Consumer<CallDocument> visitor) throws Exception;

    /**
     * {@link #eachDocument}, where the broker may leave out documents it last wrote at
     * {@code before} or later by its own clock. For the sweep of calls finished before that time
     * this only ever delays: a call is last written when it finishes or after, so one left out
     * (written again since, say with its callback's outcome, or by a broker whose clock is ahead)
     * is forgotten by a later sweep. A broker that keeps documents in the order written so spares
     * that sweep a read of a young backlog. By default every document.
     */
    default void eachDocumentWrittenBefore(Instant before, Consumer<CallDocument> visitor) throws Exception {
        eachDocument(visitor);
    }

    /**
     * Per queue and function, from the broker's own bookkeeping: calls not yet acknowledged as
     * {@code depth}, dead letters as {@code dead}, the queue's oldest waiting message's age.
     */
    List<QueueStats> load() throws Exception;

    /**
     * Makes what a queue's messages go into (streams, consumer groups), if not there yet; blocks.
     * Called before the first {@link #publish} to a queue, which may then run on the broker
     * client's own thread.
     */
    void prepare(String queue) throws Exception;

    /**
     * Queues a call's message; {@code messageId} lets the broker drop a repeated publish, and
     * {@code revision} (0 if not known) is handed back with its first {@link Delivery}. The
     * future completes once the message is stored.
     */
    CompletableFuture<Void> publish(QueuedCall call, byte[] message, String messageId, long revision);

    /**
     * A new call, as one step: creates its document ({@link #createAsync}) and, if it did not
     * exist, queues its message ({@link #publish}, the message id being the call id) carrying the
     * document's revision. Completes with that revision, or 0 if the document existed and nothing
     * was queued. By default the two writes one after the other; a broker that can make both at
     * once in one round trip does, and then never leaves one without the other.
     */
    default CompletableFuture<Long> createAndPublish(String key, byte[] document, QueuedCall call, byte[] message) {
        return createAsync(key, document).thenCompose(revision -> revision == 0 ? CompletableFuture.completedFuture(0L)
                : publish(call, message, call.callId(), revision).thenApply(published -> revision));
    }

    /** Tells every process listening that a call was queued in {@code queue} (best effort, no waiting). */
    default void announce(String queue) throws Exception {}

    /** Listens for {@link #announce}s of any process. */
    default AutoCloseable onAnnounce(Consumer<String> listener) throws Exception {
        return () -> { };
    }

    /** A priority and function of one queue that has messages (waiting, or delivered and not acknowledged). */
    record Backlog(int priority, FunctionName function) {}

    /**
     * Which priorities and functions of a queue have messages, from the broker's own bookkeeping
     * in one question: leases take turns among these functions ({@link dev.jfaas.queue.FairShare}).
     */
    List<Backlog> backlog(String queue) throws Exception;

    /** {@link #backlog} as a future; by default on a virtual thread of its own. */
    default CompletableFuture<List<Backlog>> backlogAsync(String queue) {
        return CompletableFuture.supplyAsync(() -> {
            requireConnected();
            try {
                return backlog(queue);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new QueueUnavailable("the broker did not answer: " + e.getMessage(), e);
            }
        }, Thread.ofVirtual()::start);
    }

    /**
     * Up to {@code max} deliveries of one queue, priority and function that are due now, without
     * waiting: each function's calls are apart, so one function's backlog is never in the way of
     * another's.
     */
    List<Delivery> fetch(String queue, int priority, FunctionName function, int max) throws Exception;

    /**
     * {@link #fetch} as a future; by default the blocking fetch on a virtual thread of its own.
     * Fails with {@code QueueUnavailable} while the broker cannot be reached.
     */
    default CompletableFuture<List<Delivery>> fetchAsync(String queue, int priority, FunctionName function, int max) {
        return CompletableFuture.supplyAsync(() -> {
            requireConnected();
            try {
                return fetch(queue, priority, function, max);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new QueueUnavailable("the broker did not answer: " + e.getMessage(), e);
            }
        }, Thread.ofVirtual()::start);
    }

    /**
     * The delivery is done with: the message goes. Sent without waiting: one that is lost
     * leaves the message to come again, when its document shows it ended and it is dropped.
     */
    void ack(String handle);

    /**
     * Hands the delivery back, to be delivered again after {@code delay} unless acknowledged
     * first. Sent without waiting: one that is lost leaves the delivery to come again after the
     * broker's redelivery wait.
     */
    void nak(String handle, Duration delay);

    /**
     * How long after a delivery the broker delivers it again unless it is acknowledged or handed
     * back (a consumer's ack wait), or null if that is not one fixed time. A lease exactly this
     * long needs no hand-back when it is claimed: the broker's own timer already brings the
     * message back when the lease would run out, one write per call fewer.
     */
    default Duration redeliveryWait() {
        return null;
    }

    /** Keeps a dead or failed call's request for replay. */
    void keepDeadLetter(QueuedCall call, byte[] message) throws Exception;

    /** The kept request of a call, or null. */
    byte[] deadLetter(CallDocument call) throws Exception;

    void purgeDeadLetter(CallDocument call) throws Exception;

    /** A result as it can be stored: brokers with a message size limit cut the body and mark it truncated. */
    default CallResponse fitted(CallResponse response) {
        return response;
    }

    @Override
    void close();
}
