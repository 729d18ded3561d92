package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.invoke.Body;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.memory.MemoryCallQueue;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The end of the accept chain: what is stored of an async call, and what the caller is told. */
class EnqueueTest {

    final Vertx vertx = Vertx.vertx();
    final CallQueue queue = new MemoryCallQueue();
    final List<String> woken = new ArrayList<>();
    final Enqueue enqueue = new Enqueue(queue, 16, woken::add, dev.jfaas.queue.CallbackPolicy.of(null, java.util.List.of()), new HeldBodies(1 << 20));
    final Calls.Function fn = Calls.Function.annotated(Map.of("com.openfaas.queue", "slow"));

    @AfterEach
    void close() throws Exception {
        queue.close();
        vertx.close().await();
    }

    @Test
    void aCallIsStoredAsTheStagesBeforeLeftItAndAnswered202WithItsId() throws Exception {
        var call = Calls.to(fn, Body.of(Buffer.buffer("hello")), "X-Priority", "7", "X-Callback-Url", "http://example.com/done",
                "Prefer", "respond-async", "X-Invoke-Mode", "async", "X-Idempotency-Key", "k1", "X-Kept", "yes");
        var result = enqueue.apply(call, new Calls.Next()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(202);
        assertThat(result.headers().get("X-Call-Id")).isEqualTo("call-1");
        assertThat(result.headers().get("Location")).isEqualTo("/system/calls/call-1");
        assertThat(woken).containsExactly("slow");
        var stored = queue.lease("slow", 1, Duration.ofSeconds(30), dev.jfaas.queue.FunctionRoom.ANY).get(5, TimeUnit.SECONDS).getFirst().call();
        assertThat(stored.priority()).isEqualTo(7);
        assertThat(stored.callbackUrl()).isEqualTo("http://example.com/done");
        assertThat(stored.idempotencyKey()).isEqualTo("k1");
        assertThat(new String(stored.body())).isEqualTo("hello");
        assertThat(stored.path()).isEqualTo("/path");
        assertThat(stored.query()).isEqualTo("q=1");
        assertThat(stored.headers()).contains(new Header("X-Kept", "yes"))
                .noneMatch(h -> h.name().equalsIgnoreCase("Prefer") || h.name().equalsIgnoreCase("X-Invoke-Mode"));
    }

    @Test
    void badAsyncHeadersAre400AndNothingIsStored() throws Exception {
        var priority = enqueue.apply(Calls.to(fn, Body.EMPTY, "X-Priority", "12"), new Calls.Next()).result();
        assertThat(priority.status()).isEqualTo(400);
        assertThat(priority.body()).isInstanceOfSatisfying(Body.Bytes.class,
                b -> assertThat(b.buffer().toString()).contains("invalid X-Priority \"12\""));
        var callback = enqueue.apply(Calls.to(fn, Body.EMPTY, "X-Callback-Url", "ftp://x"), new Calls.Next()).result();
        assertThat(callback.status()).isEqualTo(400);
        assertThat(queue.lease("slow", 1, Duration.ofSeconds(30), dev.jfaas.queue.FunctionRoom.ANY).get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aStreamedBodyOverTheLimitIs413AndTheStreamIsCancelled() throws Exception {
        var cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        var stream = new Body.Stream(chunks(Buffer.buffer("0123456789"), Buffer.buffer("0123456789")), () -> cancelled.set(true));
        var result = enqueue.apply(Calls.to(fn, stream), new Calls.Next()).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(413);
        assertThat(result.headers().get("X-Jfaas-Internal")).isEqualTo("limits");
        assertThat(cancelled).isTrue();
    }

    @Test
    void pastTheBudgetForHeldBodiesAnAcceptIs503AndWhatWasHeldIsGivenBack() throws Exception {
        var held = new HeldBodies(3 * 12);
        var tight = new Enqueue(queue, 64, woken::add, dev.jfaas.queue.CallbackPolicy.of(null, java.util.List.of()), held);
        var busy = tight.apply(Calls.to(fn, new Body.Stream(chunks(Buffer.buffer("0123456789"), Buffer.buffer("0123456789")),
                () -> { })), new Calls.Next()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.headers().get("Retry-After")).isEqualTo("1");
        assertThat(held.held()).as("given back").isZero();
        var fits = tight.apply(Calls.to(fn, Body.of(Buffer.buffer("small"))), new Calls.Next())
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(fits.status()).isEqualTo(202);
        assertThat(held.held()).as("given back once stored").isZero();
        assertThat(queue.lease("slow", 10, Duration.ofSeconds(30), dev.jfaas.queue.FunctionRoom.ANY).get(5, TimeUnit.SECONDS)).hasSize(1);
    }

    @Test
    void aDeclaredBodyPastTheBudgetIsReadToItsEndSoTheCallerCanRead503() throws Exception {
        var held = new HeldBodies(3 * 12);
        var tight = new Enqueue(queue, 64, woken::add, dev.jfaas.queue.CallbackPolicy.of(null, java.util.List.of()), held);
        var drained = new java.util.concurrent.atomic.AtomicBoolean();
        var body = new Body.Stream(chunks(() -> drained.set(true), Buffer.buffer("0123456789"), Buffer.buffer("0123456789")));
        var busy = tight.apply(Calls.to(fn, body, "Content-Length", "20"), new Calls.Next())
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(busy.status()).isEqualTo(503);
        assertThat(drained).as("the body was read (and dropped), not left unread").isTrue();
        assertThat(held.held()).isZero();
    }

    private static ReadStream<Buffer> chunks(Buffer... chunks) {
        return chunks(() -> { }, chunks);
    }

    /** A stream that emits these chunks when resumed, then ends. */
    private static ReadStream<Buffer> chunks(Runnable ended, Buffer... chunks) {
        return new ReadStream<>() {
            io.vertx.core.Handler<Buffer> handler;
            io.vertx.core.Handler<Void> end;

            public ReadStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> h) {
                return this;
            }

            public ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> h) {
                handler = h;
                return this;
            }

            public ReadStream<Buffer> pause() {
                return this;
            }

            public ReadStream<Buffer> resume() {
                for (var chunk : chunks) {
                    handler.handle(chunk);
                }
                end.handle(null);
                ended.run();
                return this;
            }

            public ReadStream<Buffer> fetch(long amount) {
                return this;
            }

            public ReadStream<Buffer> endHandler(io.vertx.core.Handler<Void> h) {
                end = h;
                return this;
            }
        };
    }
}
