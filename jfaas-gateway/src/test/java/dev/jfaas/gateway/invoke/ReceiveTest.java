package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A call's body is read whole before the rest of the chain sees the call; where it is held, and when it is let go. */
class ReceiveTest {

    final Vertx vertx = Vertx.vertx();
    final Context context = vertx.getOrCreateContext();
    @TempDir
    Path spool;

    @AfterEach
    void close() {
        vertx.close().await();
    }

    ReceivedBodies bodies(long memory, long spoolSize) {
        ReceivedBodies.in(spool, 0); // prepares the directory as a gateway does
        return new ReceivedBodies(spool, new HeldBodies(memory), new HeldBodies(spoolSize));
    }

    @Test
    void theNextStageSeesTheCallOnlyOnceItsBodyHasArrivedWhole() throws Exception {
        var bodies = bodies(1 << 20, 1 << 20);
        var source = new Pushed();
        var next = new Waiting();
        var answer = on(() -> new Receive(vertx, bodies).apply(call(source), next));
        on(() -> source.push("hello, "));
        on(() -> source.push("world"));
        assertThat(on(() -> next.passed.get())).as("not before the end").isNull();
        assertThat(bodies.memory.held()).isEqualTo(12);
        on(source::end);
        var passed = awaitPassed(next);
        assertThat(((Body.Bytes) passed.body()).buffer().toString()).isEqualTo("hello, world");
        on(() -> next.answer(InvocationResult.of(200, MultiMap.caseInsensitiveMultiMap(), Body.of(Buffer.buffer("ok")))));
        assertThat(await(answer).status()).isEqualTo(200);
        assertThat(bodies.memory.held()).as("let go once answered").isZero();
    }

    @Test
    void whatIsHeldGrowsWithTheBytesThatCameNotWithTheLengthDeclared() throws Exception {
        var bodies = bodies(1 << 20, 1 << 20);
        var source = new Pushed();
        var next = new Waiting();
        var call = Calls.to(Calls.Function.of(Map.of(), Map.of(), List.of()), new Body.Stream(source), "Content-Length", "30000000");
        on(() -> new Receive(vertx, bodies).apply(call, next));
        on(() -> source.push("a"));
        on(() -> source.push("b"));
        on(() -> source.push("c"));
        on(source::end); // shorter than declared: the server's framing would refuse it; here it shows what was held
        var held = ((Body.Bytes) awaitPassed(next).body()).buffer();
        assertThat(held.toString()).isEqualTo("abc");
        assertThat(((io.vertx.core.buffer.impl.BufferImpl) held).byteBuf().capacity()).isLessThan(1024);
    }

    @Test
    void aBodyLargerThanWhatIsHeldInMemoryIsSpooledToAnUnnamedFileAndReadBackWhole() throws Exception {
        var bodies = bodies(64 << 20, 64 << 20);
        var source = new Pushed();
        var next = new Waiting();
        var answer = on(() -> new Receive(vertx, bodies).apply(call(source), next));
        var sent = Buffer.buffer();
        for (int i = 0; i < 40; i++) {
            var chunk = Buffer.buffer(new byte[64 << 10]).setInt(0, i);
            sent.appendBuffer(chunk);
            on(() -> source.push(chunk));
        }
        on(source::end);
        var passed = awaitPassed(next);
        var stream = (Body.Stream) passed.body();
        assertThat(bodies.memory.held()).as("no memory held for a spooled body").isZero();
        assertThat(bodies.spool.held()).isEqualTo(sent.length());
        try (var names = Files.list(spool)) {
            assertThat(names.toList()).as("the spool file has no name").isEmpty();
        }
        assertThat(await(readAll(stream.stream()))).isEqualTo(sent);
        on(() -> next.answer(InvocationResult.of(200, MultiMap.caseInsensitiveMultiMap(), Body.EMPTY)));
        await(answer);
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> bodies.spool.held() == 0);
    }

    @Test
    void aSmallBodyIsSpooledWhenTheMemoryBudgetIsSpent() throws Exception {
        var bodies = bodies(4, 1 << 20);
        var source = new Pushed();
        var next = new Waiting();
        on(() -> new Receive(vertx, bodies).apply(call(source), next));
        on(() -> source.push("more than four"));
        on(source::end);
        var passed = awaitPassed(next);
        assertThat(await(readAll(((Body.Stream) passed.body()).stream())).toString()).isEqualTo("more than four");
    }

    @Test
    void pastTheSpoolsBudgetTheCallIs503WithRetryAfterAndGoesNoFurther() throws Exception {
        var bodies = bodies(4, 10);
        var source = new Pushed();
        var next = new Waiting();
        var answer = on(() -> new Receive(vertx, bodies).apply(call(source), next));
        on(() -> source.push("0123456789abcdef"));
        var result = await(answer);
        assertThat(result.status()).isEqualTo(503);
        assertThat(result.headers().get("Retry-After")).isEqualTo("1");
        assertThat(((Body.Bytes) result.body()).buffer().toString()).contains("JFAAS_SPOOL_SIZE");
        assertThat(next.passed.get()).isNull();
        assertThat(bodies.spool.held()).isZero();
    }

    @Test
    void aCallCancelledWhileItsBodyArrivesGoesNoFurtherAndLetsGoOfWhatItHeld() throws Exception {
        var bodies = bodies(1 << 20, 1 << 20);
        var source = new Pushed();
        var next = new Waiting();
        var call = call(source);
        var answer = on(() -> new Receive(vertx, bodies).apply(call, next));
        on(() -> source.push("half a bo"));
        call.cancellation().cancel();
        assertThat(await(answer).status()).isEqualTo(408);
        assertThat(next.passed.get()).isNull();
        assertThat(bodies.memory.held()).isZero();
    }

    @Test
    void aBodyAlreadyInGoesOnWithinTheStageItself() throws Exception {
        var bodies = bodies(1 << 20, 1 << 20);
        var source = Pushed.arrived("came with its head");
        var next = new Waiting();
        var passed = on(() -> {
            new Receive(vertx, bodies).apply(call(source), next);
            return next.passed.get();
        });
        assertThat(passed).as("passed on before the stage returned").isNotNull();
        assertThat(((Body.Bytes) passed.body()).buffer().toString()).isEqualTo("came with its head");
    }

    @Test
    void aNextStageThatThrowsFailsTheCallAndLetsGoOfTheBody() throws Exception {
        var bodies = bodies(1 << 20, 1 << 20);
        var source = Pushed.arrived("held");
        Stage.Chain throwing = call -> {
            throw new IllegalStateException("a wiring bug");
        };
        var answer = on(() -> new Receive(vertx, bodies).apply(call(source), throwing));
        assertThat(answer.failed()).isTrue();
        assertThat(answer.cause()).hasMessage("a wiring bug");
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> bodies.memory.held() == 0);
    }

    @Test
    void aCallWithoutAStreamingBodyGoesOnUntouched() {
        var bodies = bodies(1, 1);
        var next = new Calls.Next();
        var call = Calls.to(Calls.Function.of(Map.of(), Map.of(), List.of()), Body.of(Buffer.buffer("whole")));
        assertThat(new Receive(vertx, bodies).apply(call, next).result().status()).isEqualTo(200);
        assertThat(next.passed.get()).isSameAs(call);
    }

    static Invocation call(Pushed source) {
        return Calls.to(Calls.Function.of(Map.of(), Map.of(), List.of()), new Body.Stream(source));
    }

    <T> T on(Callable<T> action) throws Exception {
        var result = new AtomicReference<T>();
        Future.<Void>future(done -> context.runOnContext(v -> {
            try {
                result.set(action.call());
                done.complete();
            } catch (Exception e) {
                done.fail(e);
            }
        })).await(5, TimeUnit.SECONDS);
        return result.get();
    }

    void on(Runnable action) throws Exception {
        on(() -> {
            action.run();
            return null;
        });
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static Invocation awaitPassed(Waiting next) {
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> next.passed.get() != null);
        return next.passed.get();
    }

    Future<Buffer> readAll(ReadStream<Buffer> stream) throws Exception {
        var all = Buffer.buffer();
        Promise<Buffer> done = Promise.promise();
        on(() -> {
            stream.handler(all::appendBuffer).exceptionHandler(done::fail).endHandler(v -> done.complete(all));
            stream.resume();
        });
        return done.future();
    }

    /** The rest of the chain, answering when the test says. */
    static final class Waiting implements Stage.Chain {
        final AtomicReference<Invocation> passed = new AtomicReference<>();
        final Promise<InvocationResult> result = Promise.promise();

        @Override
        public Future<InvocationResult> proceed(Invocation call) {
            passed.set(call);
            return result.future();
        }

        void answer(InvocationResult answer) {
            result.complete(answer);
        }
    }

    /** A request body the test sends chunk by chunk, honouring pause as a request does. */
    static final class Pushed implements ReadStream<Buffer> {
        private Handler<Buffer> handler;
        private Handler<Void> end;
        private boolean paused = true;
        private boolean ended;
        private final ArrayDeque<Buffer> queued = new ArrayDeque<>();

        /** A body all in, and ended, before anyone reads it: as one that came with its head. */
        static Pushed arrived(String text) {
            var source = new Pushed();
            source.push(text);
            source.end();
            return source;
        }

        void push(String text) {
            push(Buffer.buffer(text));
        }

        void push(Buffer chunk) {
            queued.add(chunk);
            deliver();
        }

        void end() {
            ended = true;
            deliver();
        }

        private void deliver() {
            while (!paused && handler != null && !queued.isEmpty()) {
                handler.handle(queued.poll());
            }
            if (!paused && ended && queued.isEmpty() && end != null) {
                var once = end;
                end = null;
                once.handle(null);
            }
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            this.handler = handler;
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            paused = true;
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            paused = false;
            deliver();
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return resume();
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> handler) {
            this.end = handler;
            return this;
        }
    }
}
