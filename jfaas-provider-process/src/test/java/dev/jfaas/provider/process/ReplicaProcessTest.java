package dev.jfaas.provider.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.provider.LogLine;
import dev.jfaas.provider.LogQuery;
import dev.jfaas.provider.Replica;
import dev.jfaas.sandbox.Limits;
import dev.jfaas.sandbox.Sandbox;
import dev.jfaas.sandbox.SandboxSettings;
import dev.jfaas.sandbox.View;
import dev.jfaas.sandbox.network.NetworkMode;
import dev.jfaas.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica's life on its own: started, ready, restarted with a growing wait when it dies, and why
 * it is not ready said at once. Run uncontained (JFAAS_SANDBOX=none): what is tested here is the
 * supervision, not the sandbox (jfaas-sandbox's tests and the end-to-end ones cover that).
 */
class ReplicaProcessTest {

    static final FunctionName FN = new FunctionName("fn", "openfaas-fn");

    Path work;
    Sandbox sandbox;
    final LogBook logs = new LogBook();
    final List<Replica> readiness = new CopyOnWriteArrayList<>();
    ReplicaProcess replica;

    @BeforeEach
    void open() throws Exception {
        work = Files.createTempDirectory("jfaas-replica-test");
        sandbox = Sandbox.open(SandboxSettings.from(Settings.of(Map.of("JFAAS_SANDBOX", "none",
                "JFAAS_SANDBOX_RUNTIME", work.resolve("run").toString()))));
    }

    @AfterEach
    void close() {
        if (replica != null) {
            replica.kill();
        }
        sandbox.close();
    }

    ReplicaProcess replica(String fprocess, Map<String, String> env) {
        var deployment = new FunctionDeployment("fn", "local/test", "openfaas-fn", fprocess, env, null, null, null, Map.of(),
                null, null, null);
        var started = new ReplicaProcess("fn-1", FN, WatchdogConfig.of(deployment), new View.Host(work, false), false,
                NetworkMode.HOST, Limits.parse(null, null, 64), Map.of("PATH", "/usr/bin:/bin"), sandbox, sandbox.space(), logs,
                (process, ready) -> readiness.add(ready == null ? NOT_READY : ready), false);
        started.start();
        replica = started;
        return started;
    }

    /** What the listener was told of a replica that stopped being ready. */
    static final Replica NOT_READY = new dev.jfaas.provider.HttpReplica("not-ready", "none", 0);

    List<String> lines() {
        return logs.read(new LogQuery(FN, -1, null, null)).stream().map(LogLine::text).toList();
    }

    @Test
    void aReplicaThatDiesIsRestartedAfterWaitsThatDouble() {
        var process = replica("sh -c exit", Map.of("mode", "http"));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream().filter(l -> l.startsWith("exited")).count() >= 3);
        assertThat(lines().stream().filter(l -> l.startsWith("exited")).limit(3))
                .containsExactly("exited; restarting in 200ms", "exited; restarting in 400ms", "exited; restarting in 800ms");
        assertThat(process.problem()).as("why it is not ready, at once").startsWith("replica fn-1 exited with status 0 before it was ready");
        assertThat(readiness).isNotEmpty().allMatch(r -> r == NOT_READY);
    }

    @Test
    void aServerIsReadyWhenItAnswersAndAStoppedOneIsNotRestarted() throws Exception {
        Files.writeString(work.resolve("server.py"), """
                import http.server, os
                class H(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
                http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
                """);
        var process = replica("python3 server.py", Map.of("mode", "http"));
        await().atMost(Duration.ofSeconds(20)).until(() -> readiness.stream().anyMatch(r -> r != NOT_READY));
        assertThat(process.problem()).isNull();
        process.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness.getLast() == NOT_READY);
        assertThat(lines()).noneMatch(line -> line.startsWith("exited; restarting"));
    }
}
