package dev.jfaas.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Pipeline;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.CallWaiters;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.memory.MemoryCallQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The workers draining a real (in-memory) queue through a pipeline whose last stage the test
 * scripts: what runs, how often, how many at once, and what is recorded of it.
 */
class QueueWorkerTest {

    static final FunctionName FAST = FunctionName.of("fast", "openfaas-fn");
    static final FunctionName SLOW = FunctionName.of("slow", "openfaas-fn");

    final Vertx vertx = Vertx.vertx();
    final MemoryCallQueue queue = new MemoryCallQueue();
    final Map<FunctionName, Integer> limits = new ConcurrentHashMap<>();
    final RetryPolicy quickRetries = new RetryPolicy(3, Set.of(500), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofHours(1));
    volatile RetryPolicy policy = quickRetries;
    final FunctionCatalog catalog = new FunctionCatalog() {
        @Override
        public RetryPolicy retryPolicy(FunctionName function) {
            return policy;
        }

        @Override
        public int concurrencyLimit(FunctionName function) {
            return limits.getOrDefault(function, 0);
        }

        @Override
        public Set<String> queues() {
            return Set.of(QueuedCall.DEFAULT_QUEUE);
        }
    };

    /** What the function does with each call; the calls running now; the most that ran at once. */
    volatile Function<Invocation, Future<InvocationResult>> function = call -> answer(200, "ok");
    final List<Invocation> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    Workers workers;

    @AfterEach
    void stop() throws Exception {
        if (workers != null) {
            workers.close();
        }
        queue.close();
        vertx.close().await();
    }

    static Future<InvocationResult> answer(int status, String body) {
        return Future.succeededFuture(InvocationResult.of(status, MultiMap.caseInsensitiveMultiMap(),
                Body.of(Buffer.buffer(body))));
    }

    void start(int concurrency) {
        Pipeline pipeline = Pipeline.of((call, next) -> {
            seen.add(call);
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            return function.apply(call).andThen(done -> running.decrementAndGet());
        });
        var settings = WorkerSettings.DEFAULT.withConcurrency(concurrency);
        workers = new Workers(vertx, queue, pipeline, catalog, settings, new CallWaiters(), new SimpleMeterRegistry(), 1);
    }

    /** SLOW's calls wait until the test answers them (listed as they start); FAST's answer at once. */
    List<Promise<InvocationResult>> slowCallsHeld() {
        var held = new CopyOnWriteArrayList<Promise<InvocationResult>>();
        function = call -> {
            if (call.function().equals(SLOW)) {
                Promise<InvocationResult> answer = Promise.promise();
                held.add(answer);
                return answer.future();
            }
            return answer(200, "fast");
        };
        return held;
    }

    String enqueue(FunctionName function, String body) {
        var call = new QueuedCall(dev.jfaas.invoke.CallIds.next(), function, QueuedCall.DEFAULT_QUEUE, 0, "POST", "/path", "a=1",
                List.of(new dev.jfaas.queue.Header("X-Mine", "kept")), body.getBytes(StandardCharsets.UTF_8), null, null,
                Instant.now(), quickRetries.maxAttempts());
        var id = queue.enqueue(call).join().callId();
        workers.wake(QueuedCall.DEFAULT_QUEUE);
        return id;
    }

    CallStatus status(String id) {
        return queue.record(id).join().orElseThrow().status();
    }

    @Test
    void aQueuedCallRunsAsItWasSentAndItsAnswerIsKept() {
        start(4);
        function = call -> answer(201, "made");
        var id = enqueue(FAST, "hello");
        await().atMost(5, TimeUnit.SECONDS).until(() -> status(id) == CallStatus.SUCCEEDED);
        var call = seen.getFirst();
        assertThat(call.callId()).isEqualTo(id);
        assertThat(call.function()).isEqualTo(FAST);
        assertThat(call.uri()).isEqualTo("/path?a=1");
        assertThat(call.headers().get("X-Mine")).isEqualTo("kept");
        var result = queue.result(id).join().orElseThrow();
        assertThat(result.status()).isEqualTo(201);
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo("made");
    }

    @Test
    void aFailingCallIsRetriedUpToItsAttemptsThenIsADeadLetter() {
        start(4);
        function = call -> answer(500, "broken");
        var id = enqueue(FAST, "x");
        await().atMost(10, TimeUnit.SECONDS).until(() -> status(id) == CallStatus.DEAD);
        assertThat(seen).hasSize(3);
        assertThat(queue.record(id).join().orElseThrow().attempts()).isEqualTo(3);
    }

    @Test
    void aCallThatSucceedsOnItsSecondTryEndsWell() {
        start(4);
        var tries = new AtomicInteger();
        function = call -> tries.incrementAndGet() == 1 ? answer(500, "once") : answer(200, "then fine");
        var id = enqueue(FAST, "x");
        await().atMost(10, TimeUnit.SECONDS).until(() -> status(id) == CallStatus.SUCCEEDED);
        assertThat(seen).hasSize(2);
    }

    @Test
    void noMoreThanTheQueuesConcurrencyRunAtOnce() {
        start(2);
        var held = new CopyOnWriteArrayList<Promise<InvocationResult>>();
        function = call -> {
            Promise<InvocationResult> answer = Promise.promise();
            held.add(answer);
            return answer.future();
        };
        var ids = List.of(enqueue(FAST, "1"), enqueue(FAST, "2"), enqueue(FAST, "3"), enqueue(FAST, "4"), enqueue(FAST, "5"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> held.size() == 2);
        function = call -> answer(200, "ok");
        held.forEach(p -> vertx.runOnContext(v -> p.complete(answer(200, "ok").result())));
        await().atMost(10, TimeUnit.SECONDS).until(() -> ids.stream().allMatch(id -> status(id) == CallStatus.SUCCEEDED));
        assertThat(mostAtOnce).hasValueLessThanOrEqualTo(2);
    }

    @Test
    void aFunctionAtItsOwnLimitDoesNotHoldUpAnotherInTheSameQueue() {
        limits.put(SLOW, 1);
        start(4);
        var slowHeld = slowCallsHeld();
        var slow = List.of(enqueue(SLOW, "1"), enqueue(SLOW, "2"), enqueue(SLOW, "3"));
        var fast = enqueue(FAST, "after the slow ones");
        await().atMost(5, TimeUnit.SECONDS).until(() -> status(fast) == CallStatus.SUCCEEDED);
        assertThat(slowHeld).as("only one of slow's calls at once").hasSize(1);
        function = call -> answer(200, "done");
        vertx.runOnContext(v -> slowHeld.getFirst().complete(answer(200, "done").result()));
        await().atMost(10, TimeUnit.SECONDS).until(() -> slow.stream().allMatch(id -> status(id) == CallStatus.SUCCEEDED));
    }

    @Test
    void aCancelledCallIsStoppedWhileItRuns() {
        start(4);
        var stopped = new java.util.concurrent.atomic.AtomicBoolean();
        function = call -> {
            Promise<InvocationResult> never = Promise.promise();
            call.cancellation().onCancel(() -> {
                stopped.set(true);
                never.tryComplete(InvocationResult.internal(499, "cancelled", "cancelled"));
            });
            return never.future();
        };
        var id = enqueue(FAST, "x");
        await().atMost(5, TimeUnit.SECONDS).until(() -> status(id) == CallStatus.RUNNING);
        queue.cancel(id).join();
        workers.abort(id);
        await().atMost(5, TimeUnit.SECONDS).untilTrue(stopped);
        await().atMost(5, TimeUnit.SECONDS).until(() -> status(id) == CallStatus.CANCELLED);
    }

    @Test
    void aBacklogOfOneFunctionIsLeftQueuedNotLeasedAheadOfItsLimit() {
        limits.put(SLOW, 1);
        start(8);
        var slowHeld = slowCallsHeld();
        var slow = new java.util.ArrayList<String>();
        for (int i = 0; i < 50; i++) {
            slow.add(enqueue(SLOW, "backlog " + i));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> slowHeld.size() == 1);
        var fast = List.of(enqueue(FAST, "a"), enqueue(FAST, "b"), enqueue(FAST, "c"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> fast.stream().allMatch(id -> status(id) == CallStatus.SUCCEEDED));
        assertThat(slow.stream().filter(id -> status(id) == CallStatus.RUNNING))
                .as("only the one it can run is leased; the rest wait in the queue for any worker").hasSize(1);
        function = call -> answer(200, "done");
        vertx.runOnContext(v -> slowHeld.getFirst().complete(answer(200, "done").result()));
        await().atMost(10, TimeUnit.SECONDS).until(() -> slow.stream().allMatch(id -> status(id) == CallStatus.SUCCEEDED));
    }

    @Test
    void aFunctionThatPushesBackIsSentLessAtOnceAndItsCallsKeepTheirAttempts() {
        policy = new RetryPolicy(2, Set.of(429, 500), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofHours(1));
        start(8);
        var busy = new AtomicInteger();
        var pushedBack = new AtomicInteger();
        function = call -> {
            if (busy.incrementAndGet() > 2) {
                busy.decrementAndGet();
                pushedBack.incrementAndGet();
                return answer(429, "busy: 2 at once");
            }
            Promise<InvocationResult> done = Promise.promise();
            vertx.setTimer(20, t -> {
                busy.decrementAndGet();
                done.complete(answer(200, "ok").result());
            });
            return done.future();
        };
        var ids = new java.util.ArrayList<String>();
        for (int i = 0; i < 40; i++) {
            ids.add(enqueue(FAST, "call " + i));
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> ids.stream().allMatch(id -> status(id) == CallStatus.SUCCEEDED));
        assertThat(pushedBack).as("it did push back").hasPositiveValue();
        assertThat(ids).allSatisfy(id -> assertThat(queue.record(id).join().orElseThrow().attempts())
                .as("a push-back is not an attempt").isEqualTo(1));
        assertThat(workers.adaptiveLimits()).as("what it learned").containsKey(FAST);
        assertThat(pushedBack.get()).as("adapted: far fewer push-backs than calls sent past the limit")
                .isLessThan(ids.size());
    }

    @Test
    void aRetryAfterHoldsTheFunctionsCallsThatLongWithoutUsingAnAttempt() {
        policy = new RetryPolicy(2, Set.of(429, 500), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofHours(1));
        start(4);
        var starts = new ConcurrentHashMap<String, List<Long>>();
        var first = new java.util.concurrent.atomic.AtomicBoolean(true);
        function = call -> {
            starts.computeIfAbsent(((Body.Bytes) call.body()).buffer().toString(StandardCharsets.UTF_8), b -> new CopyOnWriteArrayList<>())
                    .add(System.nanoTime());
            if (first.getAndSet(false)) {
                var headers = MultiMap.caseInsensitiveMultiMap().add("Retry-After", "1");
                return Future.succeededFuture(InvocationResult.of(429, headers, Body.of(Buffer.buffer("come back in a second"))));
            }
            return answer(200, "ok");
        };
        var pushed = enqueue(FAST, "first");
        await().atMost(5, TimeUnit.SECONDS).until(() -> starts.containsKey("first") && status(pushed) == CallStatus.QUEUED);
        var other = enqueue(FAST, "second");
        await().atMost(10, TimeUnit.SECONDS).until(() -> status(pushed) == CallStatus.SUCCEEDED && status(other) == CallStatus.SUCCEEDED);
        long pushedAt = starts.get("first").getFirst();
        assertThat(Duration.ofNanos(starts.get("first").get(1) - pushedAt)).as("tried again after its Retry-After")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(Duration.ofNanos(starts.get("second").getFirst() - pushedAt)).as("the function's other calls waited too")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(queue.record(pushed).join().orElseThrow().attempts()).as("a push-back is not an attempt").isEqualTo(1);
    }
}
