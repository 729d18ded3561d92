package dev.jfaas.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.invoke.Body;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw-Netty upstream client against a real Vert.x HTTP server standing in for a replica. */
class UpstreamClientTest {

    static Vertx vertx;
    static HttpServer replica;
    static int port;
    static final AtomicInteger connections = new AtomicInteger();
    static final AtomicInteger closedConnections = new AtomicInteger();
    static final AtomicBoolean queueFilled = new AtomicBoolean();
    static final AtomicBoolean hungUpOn = new AtomicBoolean();
    static final java.util.concurrent.ConcurrentLinkedQueue<HttpServerRequest> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
    static UpstreamClient client;
    static Context context;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true));
        replica = vertx.createHttpServer().connectionHandler(c -> {
                    connections.incrementAndGet();
                    c.closeHandler(v -> closedConnections.incrementAndGet());
                })
                .requestHandler(UpstreamClientTest::replica);
        port = replica.listen(0, "127.0.0.1").await().actualPort();
        client = new UpstreamClient(vertx, UpstreamClient.Options.defaults());
        context = vertx.getOrCreateContext();
    }

    @AfterAll
    static void stop() {
        client.close().await();
        vertx.close().await();
    }

    static void replica(HttpServerRequest request) {
        var response = request.response();
        switch (request.path()) {
            case "/echo" -> request.body().onSuccess(body -> response
                    .putHeader("X-Host", request.getHeader("Host"))
                    .putHeader("X-Expect", String.valueOf(request.getHeader("Expect")))
                    .putHeader("X-Chunked", String.valueOf(request.getHeader("Transfer-Encoding")))
                    .end(body));
            case "/close" -> response.putHeader("Connection", "close").end("bye");
            case "/hang" -> request.connection().closeHandler(v -> hungUpOn.set(true));
            case "/half" -> {
                response.putHeader("Content-Length", "100").write("0123456789");
                vertx.setTimer(20, id -> request.connection().close());
            }
            case "/continue" -> {
                response.writeContinue();
                response.end("after continue");
            }
            case "/late" -> {
                response.putHeader("Content-Length", "4").write("ab");
                vertx.setTimer(50, id -> response.end("cd"));
            }
            case "/chunked" -> response.setChunked(true).end("small but chunked");
            case "/flood" -> flood(request, 64 * 1024 * 1024);
            case "/held" -> held.add(request);
            default -> response.setStatusCode(404).end();
        }
    }

    /** Writes {@code left} bytes as fast as the client takes them, noting when its queue ever fills. */
    static void flood(HttpServerRequest request, long total) {
        var response = request.response().setChunked(true);
        var chunk = Buffer.buffer(new byte[64 * 1024]);
        var left = new AtomicLong(total);
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (left.get() > 0) {
                response.write(chunk);
                left.addAndGet(-chunk.length());
                if (response.writeQueueFull()) {
                    queueFilled.set(true);
                    response.drainHandler(v -> pump[0].run());
                    return;
                }
            }
            response.end();
        };
        pump[0].run();
    }

    /** A client of its own, with the default bounds but for these two. */
    static UpstreamClient client(Duration idleTimeout, int maxConnectionsPerAddress) {
        var defaults = UpstreamClient.Options.defaults();
        return new UpstreamClient(vertx, new UpstreamClient.Options(defaults.maxInitialLineLength(),
                defaults.maxHeaderSize(), defaults.connectTimeout(), idleTimeout, maxConnectionsPerAddress));
    }

    static SocketAddress local() {
        return SocketAddress.inetSocketAddress(port, "127.0.0.1");
    }

    static UpstreamRequest request(HttpMethod method, String path, Body body) {
        return new UpstreamRequest(method, path, MultiMap.caseInsensitiveMultiMap(), body, local(), "127.0.0.1:" + port);
    }

    /** Runs on the test's event loop context, as the gateway's stages do. */
    static <T> T onContext(Supplier<Future<T>> action) throws Exception {
        var result = new CompletableFuture<T>();
        context.runOnContext(v -> action.get().onComplete((value, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }));
        return result.get(20, TimeUnit.SECONDS);
    }

    record Answer(int status, MultiMap headers, String body) {}

    static Future<Answer> call(UpstreamRequest request) {
        return call(client, request);
    }

    static Future<Answer> call(UpstreamClient client, UpstreamRequest request) {
        return call(client.exchange(request).head());
    }

    /** The body {@link UpstreamExchange#wholeBody()} had when the head came, or null. */
    static Future<String> wholeBodyAtHead(UpstreamRequest request) {
        var exchange = client.exchange(request);
        return exchange.head().compose(head -> {
            var whole = head.wholeBody() == null ? null : head.wholeBody().toString();
            return call(Future.succeededFuture(head)).map(streamed -> whole);
        });
    }

    private static Future<Answer> call(Future<UpstreamExchange> exchange) {
        return exchange.compose(head -> {
            var body = Buffer.buffer();
            var done = io.vertx.core.Promise.<Answer>promise();
            head.handler(body::appendBuffer).exceptionHandler(done::tryFail)
                    .endHandler(v -> done.tryComplete(new Answer(head.status(), head.headers(), body.toString())));
            return done.future();
        });
    }

    @Test
    void aShortAnswerOfKnownLengthComesWholeWithItsHeadOthersStream() throws Exception {
        assertThat(onContext(() -> wholeBodyAtHead(request(HttpMethod.POST, "/echo", new Body.Bytes(Buffer.buffer("small"))))))
                .isEqualTo("small");
        // The head arrived 50 ms before the rest of the body: it is held until the body is in.
        assertThat(onContext(() -> wholeBodyAtHead(request(HttpMethod.GET, "/late", Body.EMPTY)))).isEqualTo("abcd");
        assertThat(onContext(() -> wholeBodyAtHead(request(HttpMethod.GET, "/chunked", Body.EMPTY)))).isNull();
        assertThat(onContext(() -> wholeBodyAtHead(request(HttpMethod.HEAD, "/echo", Body.EMPTY)))).isNull();
        // Read as a stream all the same, a whole body gives the same bytes.
        assertThat(onContext(() -> call(request(HttpMethod.GET, "/late", Body.EMPTY))).body()).isEqualTo("abcd");
    }

    @Test
    void sequentialCallsShareOneKeptAliveConnectionAndCarryTheirBodies() throws Exception {
        var fresh = new UpstreamClient(vertx, UpstreamClient.Options.defaults());
        int before = connections.get();
        for (int i = 0; i < 20; i++) {
            var text = "call " + i;
            var answer = onContext(() -> call(fresh, request(HttpMethod.POST, "/echo", new Body.Bytes(Buffer.buffer(text)))));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(text);
            assertThat(answer.headers().get("X-Host")).isEqualTo("127.0.0.1:" + port);
        }
        assertThat(connections.get() - before).isEqualTo(1);
        fresh.close().await();
    }

    @Test
    void callsBeyondTheConnectionLimitWaitForAConnectionAndAllGetAnswered() throws Exception {
        var limited = client(UpstreamClient.Options.defaults().idleTimeout(), 2);
        int before = connections.get();
        var answers = new java.util.ArrayList<CompletableFuture<Answer>>();
        for (int i = 0; i < 5; i++) {
            var answer = new CompletableFuture<Answer>();
            context.runOnContext(v -> call(limited, request(HttpMethod.GET, "/held", Body.EMPTY))
                    .onComplete((a, x) -> answer.complete(a)));
            answers.add(answer);
        }
        for (int answered = 0; answered < 5; answered++) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !held.isEmpty());
            held.poll().response().end("released");
        }
        for (var answer : answers) {
            assertThat(answer.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
        }
        assertThat(connections.get() - before).isEqualTo(2);
        limited.close().await();
    }

    @Test
    void aConnectionIdlePastTheTimeoutIsClosed() throws Exception {
        var brief = client(Duration.ofMillis(200), 4);
        int closedBefore = closedConnections.get();
        assertThat(onContext(() -> call(brief, request(HttpMethod.POST, "/echo", new Body.Bytes(Buffer.buffer("a"))))).body())
                .isEqualTo("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> closedConnections.get() > closedBefore);
        // and the next call opens a new one
        int before = connections.get();
        assertThat(onContext(() -> call(brief, request(HttpMethod.POST, "/echo", new Body.Bytes(Buffer.buffer("b"))))).body())
                .isEqualTo("b");
        assertThat(connections.get() - before).isEqualTo(1);
        brief.close().await();
    }

    @Test
    void aRetriedCallSendsTheSameBufferAgain() throws Exception {
        var body = new Body.Bytes(Buffer.buffer("same bytes"));
        for (int i = 0; i < 3; i++) {
            assertThat(onContext(() -> call(request(HttpMethod.POST, "/echo", body))).body()).isEqualTo("same bytes");
        }
    }

    @Test
    void aConnectionTheReplicaClosesIsNotUsedAgain() throws Exception {
        var fresh = new UpstreamClient(vertx, UpstreamClient.Options.defaults());
        int before = connections.get();
        for (int i = 0; i < 3; i++) {
            assertThat(onContext(() -> call(fresh, request(HttpMethod.GET, "/close", Body.EMPTY))).body()).isEqualTo("bye");
        }
        assertThat(connections.get() - before).isEqualTo(3);
        fresh.close().await();
    }

    @Test
    void informationalAnswersAreSkippedAndExpectIsNotPassedOn() throws Exception {
        var answer = onContext(() -> call(request(HttpMethod.GET, "/continue", Body.EMPTY)));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("after continue");
        var headers = MultiMap.caseInsensitiveMultiMap().add("Expect", "100-continue");
        var echo = onContext(() -> call(new UpstreamRequest(HttpMethod.POST, "/echo", headers,
                new Body.Bytes(Buffer.buffer("x")), local(), "h")));
        assertThat(echo.headers().get("X-Expect")).isEqualTo("null");
    }

    @Test
    void aPortNobodyListensOnFailsTheHeadAndTheEnd() throws Exception {
        // Bound but not listening: connections are refused, and no other process can take the port meanwhile.
        var reserved = new java.net.Socket();
        reserved.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        int closedPort = reserved.getLocalPort();
        var exchange = new AtomicLong();
        var failure = new CompletableFuture<Throwable>();
        context.runOnContext(v -> {
            var e = client.exchange(new UpstreamRequest(HttpMethod.GET, "/", MultiMap.caseInsensitiveMultiMap(),
                    Body.EMPTY, SocketAddress.inetSocketAddress(closedPort, "127.0.0.1"), "h"));
            e.head().onFailure(failure::complete);
            e.end().onFailure(x -> exchange.incrementAndGet());
        });
        assertThat(failure.get(10, TimeUnit.SECONDS)).hasMessageContaining("refused");
        await().atMost(Duration.ofSeconds(5)).until(() -> exchange.get() == 1);
        reserved.close();
    }

    /**
     * A replica whose listen backlog (1) is full drops further SYNs until it starts accepting; the
     * kernel sends them again at 1 s and 3 s. The calls wait for the 3 s one instead of failing.
     */
    @Test
    void callsToAReplicaSlowToAcceptWaitForTheResentHandshake() throws Exception {
        // Closed in reverse: the socket first, which ends the accept loop the executor then waits for.
        try (var handlers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
                var slow = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var address = SocketAddress.inetSocketAddress(slow.getLocalPort(), "127.0.0.1");
            var answers = new java.util.ArrayList<CompletableFuture<Answer>>();
            for (int i = 0; i < 6; i++) {
                var answer = new CompletableFuture<Answer>();
                context.runOnContext(v -> call(new UpstreamRequest(HttpMethod.GET, "/", MultiMap.caseInsensitiveMultiMap(),
                        Body.EMPTY, address, "h")).onComplete((a, x) -> {
                            if (x != null) {
                                answer.completeExceptionally(x);
                            } else {
                                answer.complete(a);
                            }
                        }));
                answers.add(answer);
            }
            Thread.sleep(2_500); // the replica is busy starting: the resent SYNs at 1 s find the backlog still full
            handlers.submit(() -> {
                try {
                    while (true) {
                        var connection = slow.accept();
                        handlers.submit(() -> answerOnce(connection));
                    }
                } catch (java.net.SocketException closed) {
                    return null;
                }
            });
            for (var answer : answers) {
                assertThat(answer.get(15, TimeUnit.SECONDS).body()).isEqualTo("ok");
            }
        }
    }

    private static Void answerOnce(java.net.Socket connection) throws java.io.IOException {
        try (connection) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(connection.getInputStream()));
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // the request's head; it has no body
            }
            connection.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return null;
    }

    @Test
    void aResetCallFailsAndHangsUpOnTheReplica() throws Exception {
        hungUpOn.set(false);
        var head = new CompletableFuture<Throwable>();
        context.runOnContext(v -> {
            var exchange = client.exchange(request(HttpMethod.GET, "/hang", Body.EMPTY));
            exchange.head().onFailure(head::complete);
            vertx.setTimer(50, id -> exchange.reset());
        });
        assertThat(head.get(10, TimeUnit.SECONDS)).hasMessageContaining("reset");
        await().atMost(Duration.ofSeconds(5)).untilTrue(hungUpOn);
    }

    @Test
    void aDeclaredLengthIsKeptOnlyWhenItIsTheBodysOwn() {
        var headers = io.vertx.core.http.impl.headers.HeadersMultiMap.httpHeaders();
        assertThat(RequestWriter.declaresOnly(headers, 5)).isFalse();
        headers.set("Content-Length", "5");
        assertThat(RequestWriter.declaresOnly(headers, 5)).isTrue();
        assertThat(RequestWriter.declaresOnly(headers, 50)).isFalse();
        for (var odd : new String[] {"", "+5", " 5", "5 ", "0x5", "99999999999", "-5"}) {
            headers.set("Content-Length", odd);
            assertThat(RequestWriter.declaresOnly(headers, 5)).as(odd).isFalse();
        }
        // a call from a broker may carry a second value: the right one alone is sent then
        headers.set("Content-Length", "5").add("Content-Length", "0");
        assertThat(RequestWriter.declaresOnly(headers, 5)).isFalse();
    }

    @Test
    void aBodyWithTwoDeclaredLengthsGoesWithItsOwnAlone() throws Exception {
        var headers = MultiMap.caseInsensitiveMultiMap().add("Content-Length", "5").add("Content-Length", "0");
        var echo = onContext(() -> call(new UpstreamRequest(HttpMethod.POST, "/echo", headers,
                Body.of(Buffer.buffer("hello")), local(), "127.0.0.1:" + port)));
        assertThat(echo.body()).isEqualTo("hello");
        // and the connection still serves the next call: no "0" left it a request of its own
        var next = onContext(() -> call(request(HttpMethod.POST, "/echo", Body.of(Buffer.buffer("next")))));
        assertThat(next.body()).isEqualTo("next");
    }

    @Test
    void timeoutsAreNanosecondsWithinTenYears() {
        assertThat(UpstreamClient.nanos(Duration.ofSeconds(30))).isEqualTo(30_000_000_000L);
        assertThat(UpstreamClient.nanos(Duration.ofSeconds(10_000_000_000L))).isEqualTo(Duration.ofDays(3650).toNanos());
        assertThat(UpstreamClient.nanos(Duration.ZERO)).isZero();
    }

    @Test
    void everyWayACallEndsTakesItsDeadlineAway() throws Exception {
        // answered, cut short by the replica, closed by it, reset by the caller: no deadline stays behind
        var ended = new CompletableFuture<Void>();
        context.runOnContext(v -> {
            var timeout = Duration.ofSeconds(30);
            var answered = client.exchange(request(HttpMethod.POST, "/echo", Body.of(Buffer.buffer("x"))), timeout);
            var cut = client.exchange(request(HttpMethod.GET, "/half", Body.EMPTY), timeout);
            var closing = client.exchange(request(HttpMethod.GET, "/close", Body.EMPTY), timeout);
            var hanging = client.exchange(request(HttpMethod.GET, "/hang", Body.EMPTY), timeout);
            vertx.setTimer(50, id -> hanging.reset());
            Future.join(List.of(answered.end(), cut.end(), closing.end(), hanging.end()))
                    .onComplete(done -> ended.complete(null));
        });
        ended.get(10, TimeUnit.SECONDS);
        assertThat(onContext(() -> Future.succeededFuture(client.pendingDeadlines()))).isZero();
    }

    @Test
    void everyWayACallEndsRunsItsWhenOverOnceOnItsLoop() throws Exception {
        // answered, cut short, closed by the replica, reset by the caller, never connected: the
        // replica's count of calls in flight (Forward's callback) goes down once for each
        var runs = new java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger>();
        var offLoop = new java.util.concurrent.atomic.AtomicInteger();
        // Bound but not listening: refused, and no other process can take the port meanwhile.
        var reserved = new java.net.Socket();
        reserved.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        int closedPort = reserved.getLocalPort();
        var ended = new CompletableFuture<Void>();
        context.runOnContext(v -> {
            var exchanges = new java.util.ArrayList<UpstreamExchange>();
            for (var path : List.of("/echo", "/half", "/close", "/hang", "nowhere")) {
                var count = runs.computeIfAbsent(path, p -> new java.util.concurrent.atomic.AtomicInteger());
                Runnable whenOver = () -> {
                    count.incrementAndGet();
                    if (!((io.vertx.core.internal.ContextInternal) context).nettyEventLoop().inEventLoop()) {
                        offLoop.incrementAndGet();
                    }
                };
                var request = path.equals("nowhere")
                        ? new UpstreamRequest(HttpMethod.GET, "/", MultiMap.caseInsensitiveMultiMap(), Body.EMPTY,
                                SocketAddress.inetSocketAddress(closedPort, "127.0.0.1"), "127.0.0.1")
                        : request(path.equals("/echo") ? HttpMethod.POST : HttpMethod.GET, path,
                                path.equals("/echo") ? Body.of(Buffer.buffer("x")) : Body.EMPTY);
                exchanges.add(client.exchange(request, Duration.ofSeconds(30), whenOver));
            }
            vertx.setTimer(50, id -> exchanges.get(3).reset());
            Future.join(exchanges.stream().map(UpstreamExchange::end).toList()).onComplete(done -> ended.complete(null));
        });
        ended.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(runs.values())
                .allSatisfy(count -> assertThat(count.get()).isOne()));
        assertThat(offLoop.get()).isZero();
        assertThat(runs).hasSize(5);
        reserved.close();
    }

    @Test
    void aWhenOverThatThrowsLeavesTheAnswerAndTheConnectionWhole() throws Exception {
        var fresh = new UpstreamClient(vertx, UpstreamClient.Options.defaults());
        int before = connections.get();
        Runnable failing = () -> {
            throw new IllegalStateException("a broken callback");
        };
        var first = onContext(() -> call(fresh.exchange(request(HttpMethod.POST, "/echo", Body.of(Buffer.buffer("one"))),
                Duration.ofSeconds(5), failing).head()));
        assertThat(first.body()).isEqualTo("one");
        var second = onContext(() -> call(fresh, request(HttpMethod.POST, "/echo", Body.of(Buffer.buffer("two")))));
        assertThat(second.body()).isEqualTo("two");
        assertThat(connections.get() - before).as("the second call reused the first's connection").isEqualTo(1);
        fresh.close().await();
    }

    @Test
    void aBodyLongerThanTheCallersDeclaredLengthGoesWithItsOwn() throws Exception {
        var headers = MultiMap.caseInsensitiveMultiMap().set("Content-Length", "2");
        var echo = onContext(() -> call(new UpstreamRequest(HttpMethod.POST, "/echo", headers,
                Body.of(Buffer.buffer("whole")), local(), "127.0.0.1:" + port)));
        assertThat(echo.body()).isEqualTo("whole");
    }

    @Test
    void callsOverrunningTheirTimeoutAreResetEachAtItsOwnDeadline() throws Exception {
        // Two timeouts, the longer one started first: each lane keeps start order, the earliest
        // deadline of all is the one the loop waits for.
        var ended = new java.util.concurrent.ConcurrentHashMap<Long, Long>();
        var exchanges = new CompletableFuture<java.util.List<UpstreamExchange>>();
        long start = System.nanoTime();
        context.runOnContext(v -> {
            var list = new java.util.ArrayList<UpstreamExchange>();
            for (long ms : new long[] {400, 100, 400, 250}) {
                var exchange = client.exchange(request(HttpMethod.GET, "/hang", Body.EMPTY), Duration.ofMillis(ms));
                exchange.head().onFailure(x -> ended.put(ms * 10 + list.indexOf(exchange), System.nanoTime() - start));
                list.add(exchange);
            }
            exchanges.complete(list);
        });
        var list = exchanges.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ended.size() == 4);
        assertThat(list).allMatch(UpstreamExchange::timedOut);
        long first = ended.get(1001L);
        assertThat(Duration.ofNanos(first)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(ended.get(2503L)).isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos()).isGreaterThan(first);
        assertThat(ended.get(4000L)).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(ended.get(4002L)).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
    }

    @Test
    void aCallOverInTimeIsNotTimedOutAfterwardsAndKeepsItsConnection() throws Exception {
        var fast = new CompletableFuture<UpstreamExchange>();
        context.runOnContext(v -> {
            var exchange = client.exchange(request(HttpMethod.POST, "/echo", Body.of(Buffer.buffer("quick"))),
                    Duration.ofMillis(150));
            call(Future.succeededFuture(exchange).compose(e -> e.head())).onSuccess(a -> fast.complete(exchange))
                    .onFailure(fast::completeExceptionally);
        });
        var done = fast.get(10, TimeUnit.SECONDS);
        int opened = connections.get();
        // A call with a later deadline on the same loop times out only once the first one's has passed.
        var later = new CompletableFuture<UpstreamExchange>();
        context.runOnContext(v -> {
            var exchange = client.exchange(request(HttpMethod.GET, "/hang", Body.EMPTY), Duration.ofMillis(300));
            exchange.head().onFailure(x -> later.complete(exchange));
        });
        assertThat(later.get(10, TimeUnit.SECONDS).timedOut()).isTrue();
        assertThat(done.timedOut()).isFalse();
        // The quick call's connection went back to the pool, and the hanging call took it.
        assertThat(connections.get()).isEqualTo(opened);
    }

    @Test
    void anAnswerCutShortFailsItsBodyStream() {
        var failure = new CompletableFuture<Throwable>();
        context.runOnContext(v -> call(request(HttpMethod.GET, "/half", Body.EMPTY)).onComplete((a, x) -> failure.complete(x)));
        assertThat(failure).succeedsWithin(Duration.ofSeconds(10)).isNotNull();
    }

    @Test
    void aPausedBodyStopsReadingSoTheReplicaWaitsAndThenEverythingArrives() throws Exception {
        queueFilled.set(false);
        var exchange = new CompletableFuture<UpstreamExchange>();
        context.runOnContext(v -> {
            var e = client.exchange(request(HttpMethod.GET, "/flood", Body.EMPTY));
            e.pause();
            e.head().onSuccess(exchange::complete).onFailure(exchange::completeExceptionally);
        });
        var paused = exchange.get(10, TimeUnit.SECONDS);
        // Unread, the replica's 64 MB cannot all fit in socket buffers: its write queue fills.
        await().atMost(Duration.ofSeconds(10)).untilTrue(queueFilled);
        var received = new AtomicLong();
        var ended = new CompletableFuture<Void>();
        paused.handler(buffer -> received.addAndGet(buffer.length())).endHandler(v -> ended.complete(null));
        paused.resume();
        ended.get(30, TimeUnit.SECONDS);
        assertThat(received.get()).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void aStreamedBodyGoesThroughChunkedBothWays(@TempDir Path dir) throws Exception {
        // A front server forwards its request's body stream, as the gateway's sync edge does.
        var front = vertx.createHttpServer().requestHandler(in -> {
            in.pause();
            var exchange = client.exchange(new UpstreamRequest(in.method(), "/echo", MultiMap.caseInsensitiveMultiMap(),
                    new Body.Stream(in), local(), "h"));
            exchange.head().onSuccess(head -> {
                in.response().putHeader("X-Chunked", head.headers().get("X-Chunked"));
                in.response().setChunked(true).send(head);
            }).onFailure(x -> in.response().setStatusCode(502).end());
        });
        int frontPort = front.listen(0, "127.0.0.1").await().actualPort();
        var bytes = new byte[Integer.getInteger("bodySize", 8 * 1024 * 1024)];
        new Random(7).nextBytes(bytes);
        var file = Files.write(dir.resolve("body"), bytes);
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // From a file of unknown length to the JDK client: sent chunked.
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontPort + "/"))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofFile(file)))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Chunked")).hasValue("chunked");
            assertThat(response.body()).isEqualTo(bytes);
        } finally {
            front.close().await();
        }
    }

    @Test
    void aReplicaBehindAUnixSocketIsReached(@TempDir Path dir) throws Exception {
        var socket = dir.resolve("replica.sock");
        var server = vertx.createHttpServer().requestHandler(r -> r.response().end("over the socket"));
        server.listen(SocketAddress.domainSocketAddress(socket.toString())).await();
        try {
            var answer = onContext(() -> call(new UpstreamRequest(HttpMethod.GET, "/", MultiMap.caseInsensitiveMultiMap(),
                    Body.EMPTY, SocketAddress.domainSocketAddress(socket.toString()), "localhost")));
            assertThat(answer.body()).isEqualTo("over the socket");
        } finally {
            server.close().await();
        }
    }
}
