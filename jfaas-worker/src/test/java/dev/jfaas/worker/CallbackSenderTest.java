package dev.jfaas.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallbackPolicy;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueuedCall;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Callbacks posted to a real local receiver: what it gets, and how long the sender waits when it is asked to. */
class CallbackSenderTest {

    final Vertx vertx = Vertx.vertx();
    HttpServer receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(0);
        }
        vertx.close().await();
    }

    /** A receiver that answers {@code statuses} in turn (then 200), with {@code retryAfter} on a 429; when each try came. */
    List<Long> receive(String retryAfter, int... statuses) throws Exception {
        var tries = new CopyOnWriteArrayList<Long>();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/done", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int status = tries.size() < statuses.length ? statuses[tries.size()] : 200;
            tries.add(System.nanoTime());
            if (status == 429 && retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        return tries;
    }

    Lease lease() {
        var call = new QueuedCall("call-1", FunctionName.of("fn", null), QueuedCall.DEFAULT_QUEUE, 0, "POST", "/", "", List.of(),
                new byte[0], "http://127.0.0.1:" + receiver.getAddress().getPort() + "/done", null, Instant.now(), 3);
        return new Lease(call, "token", 1);
    }

    String send(int attempts) throws Exception {
        var sender = new CallbackSender(vertx, vertx.createHttpClient(), attempts, Duration.ofMillis(10),
                CallbackPolicy.of("127.0.0.1", List.of()));
        var response = new CallResponse(200, List.of(new Header("Content-Type", "text/plain")),
                "result".getBytes(StandardCharsets.UTF_8), false, 0.1);
        return sender.send(lease(), 200, response).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aReceiverThatAsksToWaitIsGivenThatLong() throws Exception {
        var tries = receive("1", 429);
        assertThat(send(3)).isEqualTo("delivered (200)");
        assertThat(tries).hasSize(2);
        assertThat(Duration.ofNanos(tries.get(1) - tries.get(0))).as("Retry-After: 1, not the 10 ms backoff")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void withoutRetryAfterTheBackoffApplies() throws Exception {
        var tries = receive(null, 500, 500);
        assertThat(send(3)).isEqualTo("delivered (200)");
        assertThat(tries).hasSize(3);
        assertThat(send(1)).as("one try only, answered 200 now").isEqualTo("delivered (200)");
    }

    @Test
    void afterItsAttemptsAFailureIsRecorded() throws Exception {
        receive(null, 503, 503, 503);
        assertThat(send(2)).startsWith("failed after 2 attempts: status 503");
    }
}
