package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A replica that is stopped gets SIGTERM and a grace period, then SIGKILL; nothing outlives it. */
class GracefulStopTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    static final String POLITE = """
            import http.server, os, signal, sys
            def stop(signum, frame):
                open("terminated", "w").write("SIGTERM")
                sys.exit(0)
            signal.signal(signal.SIGTERM, stop)
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
            http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """;

    @Test
    void aReplicaScaledToZeroGetsSigtermFirst() {
        var deployment = Functions.inDirectory("polite", "python3 -u server.py", Map.of("mode", "http"), Map.of("server.py", POLITE));
        gateway.deploy(deployment);
        assertThat(gateway.call("GET", "/function/polite", null).body()).isEqualTo("ok");
        var dir = Path.of((String) deployment.get("image"));
        gateway.system("POST", "/system/scale-function/polite", Map.of("serviceName", "polite", "replicas", 0));
        // Only SIGTERM writes the file (SIGKILL, 5 s later, would not); the wait is long for a loaded CI machine.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(dir.resolve("terminated")).hasContent("SIGTERM"));
    }

    @Test
    void aReplicaThatIgnoresSigtermIsKilledAfterTheGracePeriodWithAllItsProcesses() throws Exception {
        // A shell that ignores SIGTERM, with a child whose odd argument marks it among the machine's processes.
        var deployment = Functions.inDirectory("stubborn", "sh stubborn.sh", Map.of("mode", "http"), Map.of("stubborn.sh",
                "trap '' TERM\nsleep 40.377 &\nexec python3 -m http.server --bind 127.0.0.1 \"$PORT\"\n"));
        gateway.deploy(deployment);
        assertThat(ChildProcesses.running("sleep", "40.377")).isEqualTo(1);
        gateway.system("DELETE", "/system/functions", Map.of("functionName", "stubborn"));
        await().atMost(Duration.ofSeconds(15)).until(() -> ChildProcesses.running("sleep", "40.377") == 0);
        assertThat(Files.exists(Path.of((String) deployment.get("image")))).isTrue();
    }
}
