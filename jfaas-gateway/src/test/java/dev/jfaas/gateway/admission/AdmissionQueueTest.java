package dev.jfaas.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who runs, who waits and in what order, who is refused: without a server. */
class AdmissionQueueTest {

    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    static boolean admitted(Future<Void> entry) {
        return entry.isComplete() && entry.succeeded();
    }

    @Test
    void upToTheLimitRunAtOnceAndTheRestWaitBestPriorityFirstThenOldest() {
        var queue = new AdmissionQueue(vertx, () -> 2, 10, Duration.ofSeconds(30));
        assertThat(admitted(queue.acquire(0))).isTrue();
        assertThat(admitted(queue.acquire(0))).isTrue();
        var order = new CopyOnWriteArrayList<String>();
        queue.acquire(0).onSuccess(v -> order.add("low, first"));
        queue.acquire(5).onSuccess(v -> order.add("high"));
        queue.acquire(0).onSuccess(v -> order.add("low, second"));
        assertThat(queue.waitingCount()).isEqualTo(3);

        queue.release();
        await().atMost(5, TimeUnit.SECONDS).until(() -> order.size() == 1);
        queue.release();
        queue.release();
        await().atMost(5, TimeUnit.SECONDS).until(() -> order.size() == 3);
        assertThat(order).containsExactly("high", "low, first", "low, second");
        assertThat(queue.waitingCount()).isZero();
    }

    @Test
    void pastMaxQueuedACallIsRefusedAtOnce() {
        var queue = new AdmissionQueue(vertx, () -> 1, 1, Duration.ofSeconds(30));
        queue.acquire(0);
        var waiting = queue.acquire(0);
        var refused = queue.acquire(0);
        assertThat(waiting.isComplete()).isFalse();
        assertThat(refused.failed()).isTrue();
        assertThat(((AdmissionQueue.Refused) refused.cause()).reason()).isEqualTo(AdmissionQueue.Refusal.FULL);
    }

    @Test
    void aCallThatWaitsPastTheTimeoutIsRefusedAndLeavesTheQueue() throws Exception {
        var queue = new AdmissionQueue(vertx, () -> 1, 10, Duration.ofMillis(50));
        queue.acquire(0);
        var waiting = queue.acquire(0);
        var failure = waiting.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(5, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOfSatisfying(AdmissionQueue.Refused.class,
                refused -> assertThat(refused.reason()).isEqualTo(AdmissionQueue.Refusal.TIMED_OUT));
        assertThat(queue.waitingCount()).isZero();
    }

    @Test
    void aLimitThatGrowsLetsWaitingCallsIn() {
        var limit = new AtomicInteger(1);
        var queue = new AdmissionQueue(vertx, limit::get, 10, Duration.ofSeconds(30));
        queue.acquire(0);
        var waiting = queue.acquire(0);
        assertThat(waiting.isComplete()).isFalse();
        limit.set(3); // a replica became ready
        var third = queue.acquire(0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> admitted(waiting) && admitted(third));
    }

    @Test
    void withoutALimitNothingWaits() {
        var queue = new AdmissionQueue(vertx, () -> 0, 0, Duration.ofSeconds(30));
        var entries = List.of(queue.acquire(0), queue.acquire(0), queue.acquire(9));
        assertThat(entries).allMatch(AdmissionQueueTest::admitted);
    }
}
