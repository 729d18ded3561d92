package dev.jfaas.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.gateway.upstream.UpstreamClient;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.provider.HttpReplica;
import dev.jfaas.provider.Replica;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The last stage, against a real HTTP server standing in for a replica. */
class ForwardTest {

    static Vertx vertx;
    static HttpServer server;
    static int port;
    static UpstreamClient client;
    static Context context;
    static Forward forward;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/slow")) {
                return; // never answers
            }
            request.body().onSuccess(body -> request.response().setStatusCode(201)
                    .putHeader("X-Seen", request.method() + " " + request.uri() + " " + request.getHeader("X-Caller"))
                    .end(body.toString().toUpperCase()));
        });
        port = server.listen(0, "127.0.0.1").await().actualPort();
        client = new UpstreamClient(vertx, UpstreamClient.Options.defaults());
        context = vertx.getOrCreateContext();
        forward = new Forward(client);
    }

    @AfterAll
    static void stop() {
        client.close().await();
        vertx.close().await();
    }

    static InvocationResult run(Invocation call) throws Exception {
        Promise<InvocationResult> result = Promise.promise();
        context.runOnContext(v -> forward.apply(call, new Calls.Next()).onComplete(result));
        return result.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String text(InvocationResult result) throws Exception {
        return switch (result.body()) {
            case Body.Bytes bytes -> bytes.buffer().toString();
            case Body.Stream stream -> {
                Promise<Buffer> whole = Promise.promise();
                var buffer = Buffer.buffer();
                context.runOnContext(v -> {
                    stream.stream().handler(buffer::appendBuffer).endHandler(end -> whole.complete(buffer));
                    stream.stream().resume();
                });
                yield whole.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
            }
            case Body.Empty empty -> "";
        };
    }

    static Calls.Function on(Map<String, String> env, Replica... replicas) {
        return Calls.Function.of(env, Map.of(), List.of(replicas));
    }

    @Test
    void theCallReachesTheReplicaAsSentAndItsAnswerComesBack() throws Exception {
        var replica = new HttpReplica("r1", "127.0.0.1", port);
        var result = run(Calls.to(on(Map.of(), replica), Body.of(Buffer.buffer("hello")), "X-Caller", "test"));
        assertThat(result.status()).isEqualTo(201);
        assertThat(result.headers().get("X-Seen")).isEqualTo("POST /path?q=1 test");
        assertThat(text(result)).isEqualTo("HELLO");
        assertThat(replica.inFlight()).isZero();
    }

    @Test
    void theLeastBusyReplicaGetsTheCall() throws Exception {
        var busy = new HttpReplica("busy", "127.0.0.1", 1); // would refuse: it must not be chosen
        busy.callStarted();
        var idle = new HttpReplica("idle", "127.0.0.1", port);
        for (int i = 0; i < 5; i++) {
            assertThat(run(Calls.to(on(Map.of(), busy, idle), Body.EMPTY)).status()).isEqualTo(201);
        }
    }

    @Test
    void noReadyReplicaIs503AndAnUnreachableOneIs502() throws Exception {
        var none = run(Calls.to(on(Map.of()), Body.EMPTY));
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.headers().get("X-Jfaas-Internal")).isEqualTo("forward");
        int closed;
        try (var socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var gone = run(Calls.to(on(Map.of(), new HttpReplica("gone", "127.0.0.1", closed)), Body.EMPTY));
        assertThat(gone.status()).isEqualTo(502);
        assertThat(text(gone)).contains("unreachable");
    }

    @Test
    void aReplicaThatOverrunsExecTimeoutIs504() throws Exception {
        var replica = new HttpReplica("r1", "127.0.0.1", port);
        var call = Calls.to(on(Map.of("exec_timeout", "200ms"), replica), Body.EMPTY);
        var slow = new Invocation(call.callId(), call.function(), call.method(), "/slow", "", call.headers(), call.body(),
                call.startNanos(), call.target(), call.cancellation());
        var result = run(slow);
        assertThat(result.status()).isEqualTo(504);
        assertThat(text(result)).contains("did not answer within exec_timeout 200ms");
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> replica.inFlight() == 0);
    }
}
