package dev.jfaas.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.invoke.Body;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loop's call deadlines: calls that end leave at once, overrunning ones are reset in deadline order. */
class ExchangeTimeoutsTest {

    static Vertx vertx;
    static ContextInternal context;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        context = (ContextInternal) vertx.getOrCreateContext();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    /** An exchange never started on a connection: only its deadline can end it. */
    static UpstreamExchange exchange() {
        return new UpstreamExchange(context, new UpstreamRequest(HttpMethod.GET, "/", MultiMap.caseInsensitiveMultiMap(),
                Body.EMPTY, SocketAddress.inetSocketAddress(9, "127.0.0.1"), "127.0.0.1:9"), 0, null);
    }

    static <T> T onLoop(Callable<T> action) throws Exception {
        var result = new CompletableFuture<T>();
        context.runOnContext(v -> {
            try {
                result.complete(action.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void callsThatEndLeaveNothingBehind() throws Exception {
        var timeouts = new ExchangeTimeouts(context.nettyEventLoop());
        // Many calls, ended in an order of their own (first, last, middle): their lanes are emptied.
        int left = onLoop(() -> {
            var entries = new java.util.ArrayList<ExchangeTimeouts.Entry>();
            for (int i = 0; i < 300; i++) {
                entries.add(timeouts.add(exchange(), Duration.ofSeconds(30 + i % 3).toNanos()));
            }
            entries.getFirst().cancel();
            entries.getLast().cancel();
            for (int i = 0; i < entries.size(); i += 2) {
                entries.get(i).cancel();
            }
            entries.forEach(ExchangeTimeouts.Entry::cancel);
            entries.getFirst().cancel(); // twice: no harm
            return timeouts.pending();
        });
        assertThat(left).isZero();
    }

    @Test
    void overrunningCallsAreTimedOutInDeadlineOrderAndEmptyLanesAreDropped() throws Exception {
        var timeouts = new ExchangeTimeouts(context.nettyEventLoop());
        var order = new CopyOnWriteArrayList<String>();
        long start = System.nanoTime();
        var exchanges = onLoop(() -> {
            var named = new java.util.LinkedHashMap<String, UpstreamExchange>();
            for (var name : List.of("slow-a:300", "quick:50", "slow-b:300", "ended:100", "middle:150")) {
                var exchange = exchange();
                named.put(name, exchange);
                var entry = timeouts.add(exchange, Duration.ofMillis(Long.parseLong(name.split(":")[1])).toNanos());
                exchange.head().onFailure(x -> order.add(name));
                if (name.startsWith("ended")) {
                    entry.cancel(); // over before its deadline
                }
            }
            return named;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 4);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(order).containsExactly("quick:50", "middle:150", "slow-a:300", "slow-b:300");
        assertThat(exchanges.get("ended:100").timedOut()).isFalse();
        assertThat(exchanges.get("quick:50").timedOut()).isTrue();
        assertThat(onLoop(timeouts::pending)).isZero();
        assertThat(onLoop(timeouts::lanes)).isZero();
    }
}
