package dev.jfaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection limit of 3 on a real Vert.x server, with raw sockets as callers: past it a caller
 * waits to be accepted and is answered when room is made, not cut off; silent connections make
 * room, working ones (kept alive between requests too) do not.
 */
class ConnectionLimitsTest {

    static final int MAX = 3;

    Vertx vertx;
    HttpServer server;
    ConnectionLimits limits;
    OpenConnections open;
    int port;
    Context context;
    final ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        open = new OpenConnections(MAX);
        context = vertx.getOrCreateContext();
        var listening = new CompletableFuture<Integer>();
        context.runOnContext(v -> {
            limits = new ConnectionLimits(vertx, new ConnectionLimits.Settings(MAX, Duration.ofSeconds(10),
                    Duration.ofSeconds(10)), open);
            // as the gateway does: with h2c on, Vert.x sees a connection only once it has sent something
            server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)).connectionHandler(limits::connected).requestHandler(request -> {
                limits.requestStarted(request);
                if (request.path().equals("/hold")) {
                    held.add(request);
                } else {
                    request.response().end("ok");
                }
            });
            server.listen(0, "127.0.0.1").onComplete(r -> {
                if (r.succeeded()) {
                    listening.complete(r.result().actualPort());
                } else {
                    listening.completeExceptionally(r.cause());
                }
            });
        });
        port = listening.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        for (var socket : sockets) {
            socket.close();
        }
        vertx.close().await();
    }

    Socket connect() throws IOException {
        var socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        sockets.add(socket);
        return socket;
    }

    static void send(Socket socket, String path, boolean close) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n" + (close ? "Connection: close\r\n" : "")
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** The status line of the next response, after reading the response whole (bodies here are "ok"). */
    static String answer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) c);
        }
        in.readNBytes(2);
        return head.substring(0, head.indexOf("\r\n"));
    }

    @Test
    void pastTheLimitACallerWaitsToBeAcceptedAndIsAnsweredWhenAConnectionCloses() throws Exception {
        for (int i = 0; i < MAX; i++) {
            send(connect(), "/hold", false);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == MAX);
        assertThat(open.accepting()).isFalse();
        var waiting = connect(); // the kernel's accept queue takes it
        send(waiting, "/quick", true);
        waiting.setSoTimeout(1_000);
        assertThatThrownBy(() -> waiting.getInputStream().read()).as("not accepted while the gateway is full")
                .isInstanceOf(SocketTimeoutException.class);
        waiting.setSoTimeout(10_000);
        var first = held.poll();
        context.runOnContext(v -> first.response().end("ok"));
        var firstCaller = sockets.stream().filter(socket -> socket.getLocalPort() == first.remoteAddress().port()).findFirst();
        assertThat(answer(firstCaller.orElseThrow())).isEqualTo("HTTP/1.1 200 OK");
        firstCaller.get().close();
        assertThat(answer(waiting)).as("answered once a connection closed").isEqualTo("HTTP/1.1 200 OK");
        await().atMost(Duration.ofSeconds(5)).until(open::accepting);
    }

    @Test
    void silentConnectionsMakeRoomOnceTheyHaveHadTimeToTalk() throws Exception {
        for (int i = 0; i < MAX; i++) {
            connect();
        }
        var caller = connect();
        send(caller, "/quick", true);
        assertThat(answer(caller)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(sockets.getFirst().getInputStream().read()).as("the oldest silent connection was closed").isEqualTo(-1);
        // the oldest at least; the others too if the listening socket paused meanwhile (room is then made for those waiting)
        assertThat(open.closures(OpenConnections.Closure.MAKE_ROOM)).as("counted as made room for").isBetween(1L, (long) MAX);
        assertThat(open.closures(OpenConnections.Closure.HEADER_TIMEOUT)).isZero();
        assertThat(open.closures(OpenConnections.Closure.BODY_TIMEOUT)).isZero();
    }

    @Test
    void aConnectionKeptAliveBetweenRequestsIsNotClosedToMakeRoom() throws Exception {
        var pooled = connect();
        send(pooled, "/quick", false);
        assertThat(answer(pooled)).isEqualTo("HTTP/1.1 200 OK");
        for (int i = 1; i < MAX; i++) {
            send(connect(), "/hold", false);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == MAX - 1);
        var caller = connect();
        send(caller, "/quick", true);
        caller.setSoTimeout(2_500); // past the grace a silent connection gets, and a sweep
        assertThatThrownBy(() -> caller.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        send(pooled, "/quick", false);
        assertThat(answer(pooled)).as("the pooled connection still works").isEqualTo("HTTP/1.1 200 OK");
        pooled.close();
        caller.setSoTimeout(10_000);
        assertThat(answer(caller)).as("answered once a connection closed").isEqualTo("HTTP/1.1 200 OK");
        assertThat(open.closures(OpenConnections.Closure.MAKE_ROOM)).as("nothing was closed to make room").isZero();
    }
}
