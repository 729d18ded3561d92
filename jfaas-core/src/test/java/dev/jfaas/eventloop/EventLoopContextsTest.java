package dev.jfaas.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopContextsTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(3));

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void eachContextRunsOnItsOwnLoopWhileOtherThreadsAskForContexts() throws Exception {
        // Threads that first ask Vert.x for a context advance the loops' round robin; with
        // deployments that made two instances share a loop. Here they must not matter.
        var asking = new AtomicBoolean(true);
        var askers = new ArrayList<Thread>();
        for (int i = 0; i < 2; i++) {
            askers.add(Thread.ofPlatform().start(() -> {
                while (asking.get()) {
                    Thread.ofVirtual().start(vertx::getOrCreateContext);
                }
            }));
        }
        try {
            for (int round = 0; round < 50; round++) {
                var contexts = EventLoopContexts.spread(vertx, 3);
                var threads = new ArrayList<String>();
                for (var context : contexts) {
                    threads.add(EventLoopContexts.on(context, () -> Future.succeededFuture(Thread.currentThread().getName()))
                            .await());
                }
                assertThat(threads).doesNotHaveDuplicates().allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
            }
        } finally {
            asking.set(false);
            for (var asker : askers) {
                asker.join();
            }
        }
    }

    @Test
    void moreContextsThanLoopsCycleOverTheLoops() {
        var contexts = EventLoopContexts.spread(vertx, 5);
        var threads = new ArrayList<String>();
        for (var context : contexts) {
            threads.add(EventLoopContexts.on(context, () -> Future.succeededFuture(Thread.currentThread().getName())).await());
        }
        assertThat(threads.subList(0, 3)).doesNotHaveDuplicates();
        assertThat(threads.subList(3, 5)).isEqualTo(threads.subList(0, 2));
    }

    @Test
    void aThrowingOrFailingActionFailsItsFuture() {
        var context = EventLoopContexts.spread(vertx, 1).getFirst();
        Future<String> thrown = EventLoopContexts.on(context, () -> {
            throw new IllegalStateException("thrown");
        });
        Future<String> failed = EventLoopContexts.on(context, () -> Future.failedFuture("refused"));
        assertThat(thrown.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().withMessageContaining("thrown");
        assertThat(failed.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().withMessageContaining("refused");
    }
}
