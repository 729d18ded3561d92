package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The broker (NATS with JetStream, or Redis with an fsynced append-only file) is killed under load and comes back: while it is gone async calls get 503 with
 * Retry-After, never a 202 that was not stored; the gateway reconnects by itself; every call
 * that got a 202, before or after the outage, runs.
 */
class BrokerOutageTest {

    static final int CLIENTS = 4;

    @ParameterizedTest(name = "{0}")
    @EnumSource(BrokerServerProcess.Kind.class)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void noAcceptedCallIsLostWhenTheBrokerRestarts(BrokerServerProcess.Kind kind) throws Exception {
        try (var broker = BrokerServerProcess.start(kind);
                var gateway = TestGateway.start(Map.of("JFAAS_QUEUE", broker.url(),
                        "JFAAS_LEASE_TIME", "2s", "JFAAS_QUEUE_ACK_WAIT", "3s"))) {
            var fnDir = Functions.write(Map.of("run.sh", GatewayHttp.RECORDER));
            var deployment = Functions.forking("recorder", "sh run.sh");
            deployment.put("image", fnDir.toString());
            gateway.deploy(deployment);

            var accepted = ConcurrentHashMap.<String>newKeySet();
            var refused = new AtomicInteger();
            var unexpected = new ConcurrentHashMap<Integer, String>();
            var stop = new AtomicBoolean();
            var clients = new ArrayList<CompletableFuture<Void>>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(CompletableFuture.runAsync(() -> {
                    while (!stop.get()) {
                        var response = gateway.call("POST", "/async-function/recorder", "x");
                        if (response.statusCode() == 202) {
                            accepted.add(response.headers().firstValue("X-Call-Id").orElseThrow());
                        } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
                            refused.incrementAndGet();
                        } else {
                            unexpected.put(response.statusCode(), response.body());
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 200);
            broker.kill();
            int acceptedBefore = accepted.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() >= 20);
            int acceptedWhileDown = accepted.size() - acceptedBefore;
            broker.startAgain();
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= acceptedBefore + acceptedWhileDown + 200);
            stop.set(true);
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(unexpected).as("only 202s and 503s with Retry-After").isEmpty();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    assertThat(GatewayHttp.ranCalls(fnDir)).containsAll(accepted));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    GatewayHttp.countWith(gateway.http, gateway.port(), "succeeded") >= accepted.size());
            System.out.printf(kind + " outage: %d calls accepted (%d before the kill, %d in the moment it died), %d refused with 503 while down%n",
                    accepted.size(), acceptedBefore, acceptedWhileDown, refused.get());
            assertThat(acceptedWhileDown).as("hardly any 202 once the broker is gone").isLessThanOrEqualTo(CLIENTS);
        }
    }
}
