package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JFAAS_BODY_TIMEOUT is the caller's time to send a body: a body the gateway holds while a replica
 * starts is not "not received", and one that trickles to an http function is a 408, not a 502 or 504,
 * without holding a slot of the function while it trickles.
 */
class BodyTimeoutTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass(Map.of("JFAAS_BODY_TIMEOUT", "1s"));

    @Test
    void aBodyHeldWhileAReplicaStartsIsServedWhenItIsReady() {
        var slowStart = Functions.inDirectory("late-web", "sh start.sh", Map.of("mode", "http"),
                Map.of("start.sh", "sleep 3; exec python3 -u server.py\n", "server.py", Functions.ECHO_SERVER));
        var response = gateway.system("POST", "/system/functions", slowStart);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        long start = System.nanoTime();
        var call = gateway.call("POST", "/function/late-web", "sent at once");
        assertThat(call.statusCode()).as(call.body()).isEqualTo(201); // the echo server's answer to a POST
        assertThat(call.body()).contains("sent at once");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it waited for the replica").isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void aBodyThatTricklesToAnHttpFunctionIs408() throws Exception {
        gateway.deploy(Functions.httpEcho("web", Map.of()));
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(15_000);
            var out = socket.getOutputStream();
            out.write("POST /function/web HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            assertThat(statusLine(socket.getInputStream())).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aSlowSenderHoldsItsConnectionNotTheFunctionsOnlySlot() throws Exception {
        // one call at a time and none waiting: a call that finds the slot taken is a 429 at once
        gateway.deploy(Functions.httpEcho("one-slot", Map.of("max_inflight", "1", "max_queued", "0")));
        assertThat(gateway.call("POST", "/function/one-slot", "warm").statusCode()).isEqualTo(201);
        try (var slow = new Socket("127.0.0.1", gateway.port())) {
            slow.setSoTimeout(15_000);
            var out = slow.getOutputStream();
            out.write("POST /function/one-slot HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var call = gateway.call("POST", "/function/one-slot", "sent at once");
            assertThat(call.statusCode()).as(call.body()).isEqualTo(201);
            assertThat(call.body()).contains("sent at once");
            assertThat(statusLine(slow.getInputStream())).startsWith("HTTP/1.1 408");
        }
    }

    private static String statusLine(InputStream in) throws Exception {
        var line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().strip();
    }
}
