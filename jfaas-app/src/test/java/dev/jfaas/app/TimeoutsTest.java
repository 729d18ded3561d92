package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** read_timeout and write_timeout, as the of-watchdog applies them, shorter than exec_timeout. */
class TimeoutsTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @BeforeAll
    static void deploy() {
        gateway.deploy(Functions.forking("patient", "cat", Map.of("read_timeout", "1s", "exec_timeout", "20s")));
        gateway.deploy(Functions.inDirectory("slow-writer", "sh slow.sh", Map.of("write_timeout", "1s", "exec_timeout", "20s"),
                Map.of("slow.sh", "sleep 5; echo late\n")));
        gateway.deploy(Functions.httpEcho("slow-web", Map.of("write_timeout", "1s", "exec_timeout", "20s")));
        // exec_timeout 0: no limit, as the OpenFaaS watchdogs read it (was: a forked process killed
        // at once, an http call a 500)
        gateway.deploy(Functions.inDirectory("unlimited", "sh wait.sh", Map.of("exec_timeout", "0"),
                Map.of("wait.sh", "sleep 0.3; echo finished\n")));
        gateway.deploy(Functions.httpEcho("unlimited-web", Map.of("exec_timeout", "0")));
    }

    @Test
    void anExecTimeoutOfZeroIsNoLimit() {
        var forking = gateway.call("POST", "/function/unlimited", "");
        assertThat(forking.statusCode()).as(forking.body()).isEqualTo(200);
        assertThat(forking.body()).contains("finished");
        var http = gateway.call("POST", "/function/unlimited-web", "echoed");
        assertThat(http.statusCode()).as(http.body()).isBetween(200, 299); // the echo answers a POST 201
        assertThat(http.body()).contains("\"body\": \"echoed\"");
    }

    @Test
    void aBodyThatDoesNotArriveWithinReadTimeoutIs408() throws Exception {
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("POST /function/patient HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            var head = readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 408").contains("X-Jfaas-Internal: deadline");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void aBodyThatArrivesInTimeIsServed() {
        assertThat(gateway.call("POST", "/function/patient", "in time").body()).isEqualTo("in time");
    }

    @Test
    void anAnswerNotWrittenWithinWriteTimeoutIs504() {
        long start = System.nanoTime();
        var forking = gateway.call("POST", "/function/slow-writer", "");
        assertThat(forking.statusCode()).isEqualTo(504);
        assertThat(forking.body()).contains("write_timeout 1s");
        var http = gateway.call("GET", "/function/slow-web/slow", null);
        assertThat(http.statusCode()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    private static String readHead(InputStream in) throws Exception {
        var head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
