package dev.jfaas.queue.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.CallFilter;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.FunctionRoom;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueuedCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CallQueue} backend must do, proved the same way for each: a backend's test
 * extends this class and says how to make an empty queue.
 */
public abstract class CallQueueContract implements FairLeasingContract {

    protected static final FunctionName FN = FunctionName.of("fn", null);
    protected static final FunctionName OTHER = FunctionName.of("other", null);
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final String Q = QueuedCall.DEFAULT_QUEUE;

    protected CallQueue queue;

    /** An empty queue that nothing else uses. */
    protected abstract CallQueue newQueue();

    @BeforeEach
    void open() {
        queue = newQueue();
    }

    @AfterEach
    void close() {
        queue.close();
    }

    protected static QueuedCall call(FunctionName function, int priority) {
        return call(function, priority, Q, null);
    }

    protected static QueuedCall call(FunctionName function, int priority, String queueName, String idempotencyKey) {
        return new QueuedCall(UUID.randomUUID().toString(), function, queueName, priority, "POST", "/p", "a=1",
                List.of(new Header("X-Thing", "v"), new Header("Content-Type", "text/plain")),
                "body".getBytes(StandardCharsets.UTF_8), "http://127.0.0.1:1/cb", idempotencyKey, Instant.now(), 3);
    }

    protected static CallResponse response(int status, String body) {
        return new CallResponse(status, List.of(new Header("Content-Type", "text/plain")),
                body.getBytes(StandardCharsets.UTF_8), false, 0.25);
    }

    protected String enqueue(QueuedCall call) {
        var accepted = queue.enqueue(call).join();
        assertThat(accepted.kind()).isEqualTo(Accepted.Kind.NEW);
        return accepted.callId();
    }

    @Override
    public CallQueue queue() {
        return queue;
    }

    @Override
    public String enqueueCall(FunctionName function, int priority) {
        return enqueue(call(function, priority));
    }

    protected List<Lease> lease(int max) {
        return queue.lease(Q, max, LEASE, FunctionRoom.ANY).join();
    }

    protected CallStatus status(String callId) {
        return queue.record(callId).join().orElseThrow().status();
    }

    @Test
    void leasedCallCarriesEverythingThatWasEnqueued() {
        var call = call(FN, 3);
        enqueue(call);
        var leases = lease(10);
        assertThat(leases).hasSize(1);
        var got = leases.getFirst().call();
        assertThat(got.callId()).isEqualTo(call.callId());
        assertThat(got.function()).isEqualTo(FN);
        assertThat(got.queue()).isEqualTo(Q);
        assertThat(got.priority()).isEqualTo(3);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/p");
        assertThat(got.query()).isEqualTo("a=1");
        assertThat(got.headers()).containsExactlyElementsOf(call.headers());
        assertThat(got.body()).isEqualTo(call.body());
        assertThat(got.callbackUrl()).isEqualTo(call.callbackUrl());
        assertThat(got.maxAttempts()).isEqualTo(3);
        assertThat(got.acceptedAt().toEpochMilli()).isEqualTo(call.acceptedAt().toEpochMilli());
        assertThat(leases.getFirst().attempt()).isEqualTo(1);
        assertThat(status(call.callId())).isEqualTo(CallStatus.RUNNING);
        assertThat(lease(10)).as("a leased call is not leased twice").isEmpty();
    }

    @Test
    void newCallIsQueuedWithARecord() {
        var id = enqueue(call(FN, 0));
        var record = queue.record(id).join().orElseThrow();
        assertThat(record.status()).isEqualTo(CallStatus.QUEUED);
        assertThat(record.function()).isEqualTo("fn");
        assertThat(record.namespace()).isEqualTo("openfaas-fn");
        assertThat(record.queue()).isEqualTo(Q);
        assertThat(record.attempts()).isZero();
        assertThat(record.maxAttempts()).isEqualTo(3);
        assertThat(record.acceptedAt()).isNotNull();
        assertThat(queue.record("no-such-call").join()).isEmpty();
    }

    @Test
    void higherPriorityLeasesFirstThenOldest() {
        var low1 = enqueue(call(FN, 0));
        var high = enqueue(call(FN, 9));
        var low2 = enqueue(call(FN, 0));
        var mid = enqueue(call(FN, 5));
        var order = new ArrayList<String>();
        for (int i = 0; i < 4; i++) {
            order.add(lease(1).getFirst().call().callId());
        }
        assertThat(order).containsExactly(high, mid, low1, low2);
    }

    @Test
    void queuesAreSeparate() {
        enqueue(call(FN, 0, "other-queue", null));
        assertThat(lease(10)).isEmpty();
        assertThat(queue.lease("other-queue", 10, LEASE, FunctionRoom.ANY).join()).hasSize(1);
    }

    @Test
    void skippedFunctionsAreLeftForLater() {
        var busy = enqueue(call(FN, 9));
        var free = enqueue(call(OTHER, 0));
        var leases = queue.lease(Q, 10, LEASE, FunctionRoom.skipping(Set.of(FN))).join();
        assertThat(leases).extracting(l -> l.call().callId()).containsExactly(free);
        assertThat(lease(10)).extracting(l -> l.call().callId()).containsExactly(busy);
    }

    @Test
    void finishKeepsTheResultAndEndsTheCall() {
        var id = enqueue(call(FN, 0));
        var lease = lease(1).getFirst();
        assertThat(queue.finish(lease, CallStatus.SUCCEEDED, response(200, "done"), null).join()).isTrue();
        var record = queue.record(id).join().orElseThrow();
        assertThat(record.status()).isEqualTo(CallStatus.SUCCEEDED);
        assertThat(record.statusCode()).isEqualTo(200);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.startedAt()).isNotNull();
        assertThat(record.finishedAt()).isNotNull();
        assertThat(record.durationSeconds()).isEqualTo(0.25);
        var result = queue.result(id).join().orElseThrow();
        assertThat(result.status()).isEqualTo(200);
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo("done");
        assertThat(result.headers()).contains(new Header("Content-Type", "text/plain"));
        assertThat(lease(10)).isEmpty();
    }

    /** Backends may keep small results with the call and large ones apart: both come back whole. */
    @Test
    void aLargeResultComesBackWhole() {
        var id = enqueue(call(FN, 0));
        var body = "x".repeat(100_000);
        assertThat(queue.finish(lease(1).getFirst(), CallStatus.SUCCEEDED, response(200, body), null).join()).isTrue();
        assertThat(new String(queue.result(id).join().orElseThrow().body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(queue.forgetFinishedBefore(Instant.now().plusSeconds(1)).join()).isEqualTo(1);
        assertThat(queue.result(id).join()).isEmpty();
    }

    @Test
    void resultIsEmptyUntilFinished() {
        var id = enqueue(call(FN, 0));
        assertThat(queue.result(id).join()).isEmpty();
        lease(1);
        assertThat(queue.result(id).join()).isEmpty();
    }

    @Test
    void expiredLeaseIsDeliveredAgain() {
        var id = enqueue(call(FN, 0));
        var first = queue.lease(Q, 1, Duration.ofMillis(200), FunctionRoom.ANY).join().getFirst();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> !lease(1).isEmpty());
        var record = queue.record(id).join().orElseThrow();
        assertThat(record.attempts()).isEqualTo(2);
        assertThat(queue.finish(first, CallStatus.SUCCEEDED, response(200, "late"), null).join())
                .as("the first worker lost its lease").isFalse();
        assertThat(queue.renew(first, LEASE).join()).isFalse();
    }

    @Test
    void renewKeepsALease() throws InterruptedException {
        enqueue(call(FN, 0));
        var lease = queue.lease(Q, 1, Duration.ofMillis(300), FunctionRoom.ANY).join().getFirst();
        for (int i = 0; i < 4; i++) {
            Thread.sleep(150);
            assertThat(queue.renew(lease, Duration.ofMillis(300)).join()).isTrue();
            assertThat(lease(1)).isEmpty();
        }
        assertThat(queue.finish(lease, CallStatus.SUCCEEDED, response(200, "ok"), null).join()).isTrue();
    }

    @Test
    void retryLaterWaitsForItsTimeAndCountsAttempts() {
        var id = enqueue(call(FN, 0));
        var first = lease(1).getFirst();
        assertThat(queue.retryLater(first, Instant.now().plusMillis(400), response(503, "busy"), "503 from function").join()).isTrue();
        var record = queue.record(id).join().orElseThrow();
        assertThat(record.status()).isEqualTo(CallStatus.RETRYING);
        assertThat(record.statusCode()).isEqualTo(503);
        assertThat(record.error()).isEqualTo("503 from function");
        assertThat(lease(1)).as("not before its time").isEmpty();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            var leases = lease(1);
            if (leases.isEmpty()) {
                return false;
            }
            assertThat(leases.getFirst().attempt()).isEqualTo(2);
            return true;
        });
    }

    @Test
    void deadLettersAreCountedReplayedAndPurged() {
        var dead1 = enqueue(call(FN, 0));
        var dead2 = enqueue(call(OTHER, 0));
        for (var lease : lease(2)) {
            queue.finish(lease, CallStatus.DEAD, response(500, "boom"), "500 after 3 attempts").join();
        }
        assertThat(status(dead1)).isEqualTo(CallStatus.DEAD);
        assertThat(queue.records(new CallFilter(null, CallStatus.DEAD, Q, 100)).join())
                .extracting(r -> r.callId()).containsExactlyInAnyOrder(dead1, dead2);
        assertThat(deadCount(FN)).isEqualTo(1);

        assertThat(queue.replayDeadLetters(Q, FN).join()).isEqualTo(1);
        var replayed = lease(10);
        assertThat(replayed).extracting(l -> l.call().callId()).containsExactly(dead1);
        assertThat(replayed.getFirst().attempt()).as("fresh attempts").isEqualTo(1);

        assertThat(queue.purgeDeadLetters(Q, null).join()).isEqualTo(1);
        assertThat(queue.record(dead2).join()).isEmpty();
        assertThat(queue.purgeDeadLetters(Q, null).join()).isZero();
    }

    @Test
    void aDeadLetterShowsTheRequestItWouldBeReplayedWith() {
        var sent = call(FN, 0);
        var id = enqueue(sent);
        assertThat(queue.deadLetter(id).join()).as("not dead yet").isEmpty();
        queue.finish(lease(1).getFirst(), CallStatus.DEAD, response(500, "boom"), "500 after 3 attempts").join();
        var kept = queue.deadLetter(id).join().orElseThrow();
        assertThat(kept.callId()).isEqualTo(id);
        assertThat(kept.function()).isEqualTo(FN);
        assertThat(kept.method()).isEqualTo("POST");
        assertThat(kept.path()).isEqualTo("/p");
        assertThat(kept.query()).isEqualTo("a=1");
        assertThat(kept.headers()).contains(new Header("X-Thing", "v"));
        assertThat(new String(kept.body(), StandardCharsets.UTF_8)).isEqualTo("body");
        assertThat(queue.deadLetter("unknown").join()).isEmpty();
        assertThat(queue.replay(id).join()).isTrue();
        assertThat(queue.deadLetter(id).join()).as("queued again").isEmpty();
    }

    @Test
    void oneDeadOrFailedCallCanBeReplayed() {
        var id = enqueue(call(FN, 0));
        queue.finish(lease(1).getFirst(), CallStatus.FAILED, response(400, "bad"), null).join();
        assertThat(queue.replay(id).join()).isTrue();
        assertThat(status(id)).isEqualTo(CallStatus.QUEUED);
        assertThat(queue.replay(id).join()).as("only dead or failed calls").isFalse();
        assertThat(queue.replay("unknown").join()).isFalse();
    }

    @Test
    void cancelRemovesAQueuedCall() {
        var id = enqueue(call(FN, 0));
        assertThat(queue.cancel(id).join()).isTrue();
        assertThat(status(id)).isEqualTo(CallStatus.CANCELLED);
        assertThat(lease(10)).isEmpty();
        assertThat(queue.cancel(id).join()).as("already final").isFalse();
        assertThat(queue.cancel("unknown").join()).isFalse();
    }

    @Test
    void cancelledRunningCallLosesItsLease() {
        var id = enqueue(call(FN, 0));
        var lease = lease(1).getFirst();
        assertThat(queue.cancel(id).join()).isTrue();
        assertThat(queue.renew(lease, LEASE).join()).isFalse();
        assertThat(queue.finish(lease, CallStatus.SUCCEEDED, response(200, "x"), null).join()).isFalse();
        assertThat(status(id)).isEqualTo(CallStatus.CANCELLED);
    }

    @Test
    void idempotencyKeyReturnsTheFirstCall() {
        var first = enqueue(call(FN, 0, Q, "key-1"));
        var again = queue.enqueue(call(FN, 0, Q, "key-1")).join();
        assertThat(again).isEqualTo(new Accepted(first, Accepted.Kind.IDEMPOTENT_REPEAT));
        var otherFunction = queue.enqueue(call(OTHER, 0, Q, "key-1")).join();
        assertThat(otherFunction.kind()).isEqualTo(Accepted.Kind.NEW);
        assertThat(lease(10)).hasSize(2);
    }

    @Test
    void aCallIdIsNeverStoredTwice() {
        var call = call(FN, 0);
        enqueue(call);
        var again = queue.enqueue(call(OTHER, 0).withCallId(call.callId())).join();
        assertThat(again.kind()).isEqualTo(Accepted.Kind.ID_TAKEN);
        assertThat(lease(10)).hasSize(1);
    }

    @Test
    void callbackOutcomeIsRecorded() {
        var id = enqueue(call(FN, 0));
        queue.finish(lease(1).getFirst(), CallStatus.SUCCEEDED, response(200, "x"), null).join();
        queue.recordCallback(id, "delivered (200)").join();
        assertThat(queue.record(id).join().orElseThrow().callbackStatus()).isEqualTo("delivered (200)");
    }

    @Test
    void recordsAreFilteredAndNewestFirst() {
        var a = enqueue(call(FN, 0));
        var b = enqueue(call(OTHER, 0));
        var c = enqueue(call(FN, 0));
        assertThat(queue.records(new CallFilter(FN, null, null, 10)).join()).extracting(r -> r.callId()).containsExactly(c, a);
        assertThat(queue.records(new CallFilter(null, null, null, 2)).join()).extracting(r -> r.callId()).containsExactly(c, b);
        assertThat(queue.records(new CallFilter(null, CallStatus.SUCCEEDED, null, 10)).join()).isEmpty();
    }

    @Test
    void statsCountWaitingInFlightDelayedAndDead() {
        enqueue(call(FN, 0));
        enqueue(call(FN, 0));
        enqueue(call(FN, 0));
        enqueue(call(FN, 0));
        var leases = lease(3);
        queue.retryLater(leases.get(0), Instant.now().plusSeconds(60), response(503, ""), "busy").join();
        queue.finish(leases.get(1), CallStatus.DEAD, response(500, ""), "dead").join();
        var stats = queue.stats().join().stream().filter(s -> s.function().equals("fn")).findFirst().orElseThrow();
        assertThat(stats.queue()).isEqualTo(Q);
        assertThat(stats.namespace()).isEqualTo("openfaas-fn");
        assertThat(stats.depth()).isEqualTo(2);
        assertThat(stats.delayed()).isEqualTo(1);
        assertThat(stats.inFlight()).isEqualTo(1);
        assertThat(stats.dead()).isEqualTo(1);
        assertThat(stats.oldestAgeSeconds()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void finishedCallsAreForgottenAfterRetention() {
        var id = enqueue(call(FN, 0));
        var waiting = enqueue(call(FN, 0));
        queue.finish(lease(1).getFirst(), CallStatus.SUCCEEDED, response(200, ""), null).join();
        assertThat(queue.forgetFinishedBefore(Instant.now().plusSeconds(1)).join()).isEqualTo(1);
        assertThat(queue.record(id).join()).isEmpty();
        assertThat(queue.record(waiting).join()).as("waiting calls are kept").isPresent();
    }

    @Test
    void concurrentConsumersNeverGetTheSameCallAndCountsAddUp() throws Exception {
        int calls = 400;
        var ids = Collections.synchronizedList(new ArrayList<String>());
        try (var producers = Executors.newFixedThreadPool(8)) {
            var futures = new ArrayList<CompletableFuture<Void>>();
            for (int i = 0; i < calls; i++) {
                futures.add(CompletableFuture.runAsync(() -> ids.add(enqueue(call(FN, (int) (Math.random() * 10)))), producers));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        }
        var seen = ConcurrentHashMap.<String>newKeySet();
        var duplicates = ConcurrentHashMap.<String>newKeySet();
        try (var consumers = Executors.newFixedThreadPool(6)) {
            var futures = new ArrayList<CompletableFuture<Void>>();
            for (int c = 0; c < 6; c++) {
                futures.add(CompletableFuture.runAsync(() -> {
                    int empty = 0;
                    while (true) {
                        var leases = lease(7);
                        if (leases.isEmpty()) {
                            // A broker may answer one fetch empty while others hold messages back a moment:
                            // stop when every call was seen, or when it stays empty (then the check below fails).
                            if (seen.size() >= ids.size() || ++empty > 20) {
                                return;
                            }
                            sleepQuietly(50);
                            continue;
                        }
                        empty = 0;
                        for (var lease : leases) {
                            if (!seen.add(lease.call().callId())) {
                                duplicates.add(lease.call().callId());
                            }
                            var status = lease.call().priority() % 3 == 0 ? CallStatus.DEAD : CallStatus.SUCCEEDED;
                            assertThat(queue.finish(lease, status, response(200, ""), null).join()).isTrue();
                        }
                    }
                }, consumers));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        }
        assertThat(duplicates).isEmpty();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(new HashSet<>(ids));
        long dead = queue.stats().join().stream().mapToLong(QueueStats::dead).sum();
        long waiting = queue.stats().join().stream().mapToLong(s -> s.depth() + s.inFlight()).sum();
        long done = queue.records(new CallFilter(null, CallStatus.SUCCEEDED, null, calls * 2)).join().size();
        assertThat(waiting + done + dead).as("accepted = queued + in flight + done + dead").isEqualTo(calls);
    }

    private long deadCount(FunctionName function) {
        return queue.stats().join().stream().filter(s -> s.function().equals(function.name()))
                .mapToLong(QueueStats::dead).sum();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
