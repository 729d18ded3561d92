package dev.jfaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Memory, pids and CPU limits of a replica's cgroup, enforced by the kernel on a real sandbox. */
class CgroupLimitsTest {

    static Sandbox sandbox;
    static FunctionSpace space;

    @BeforeAll
    static void open() {
        sandbox = SandboxFixture.open(SandboxSettings.Kind.BWRAP);
        var report = sandbox.report();
        // On CI the machine can write cgroups (it runs as root): there a missing cgroup is a failure.
        if ("true".equals(System.getenv("CI"))) {
            assertThat(report.enforced()).as(report.limits()).isTrue();
        }
        assumeTrue(report.enforced(), "limits are not enforceable here: " + report.limits());
        space = sandbox.space();
    }

    @AfterAll
    static void close() {
        if (space != null) {
            space.close();
        }
        sandbox.close();
    }

    record Ended(int exit, String stderr, long oomKills, long cpuNanos) {}

    private static Ended runToEnd(String script, Limits limits) throws Exception {
        var launch = new Launch("limits-" + System.nanoTime(), new Program.Command(List.of("/bin/sh", "-c", script)),
                Map.of(), null, false, limits);
        var replica = sandbox.start(space, launch);
        try {
            replica.process().getOutputStream().close();
            replica.process().getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            var stderr = new String(replica.process().getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(replica.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Ended(replica.process().exitValue(), stderr, replica.cgroup().oomKills(), replica.cgroup().usage().cpuNanos());
        } finally {
            replica.kill();
        }
    }

    @Test
    void aProcessOverTheMemoryLimitIsKilledAndCounted() throws Exception {
        var ended = runToEnd("python3 -c 'x = bytearray(200 * 1024 * 1024); print(len(x))'", new Limits(32L << 20, 0, 64));
        assertThat(ended.exit()).isNotZero();
        assertThat(ended.oomKills()).isPositive();
    }

    @Test
    void aForkBombStopsAtThePidsLimit() throws Exception {
        var ended = runToEnd("i=0; while [ $i -lt 100 ]; do sleep 5 & i=$((i+1)); done; echo started $i", new Limits(0, 0, 20));
        assertThat(ended.stderr()).containsIgnoringCase("fork");
    }

    @Test
    void cpuIsThrottledToItsQuota() throws Exception {
        // A second of busy loop at 100m may use about a tenth of a second of CPU; unthrottled it would use a whole one.
        var ended = runToEnd("timeout 1 sh -c 'while :; do :; done'; true", new Limits(0, 100, 64));
        assertThat(ended.cpuNanos()).isPositive().isLessThan(500_000_000L);
    }

    @Test
    void socketBuffersAreBoundedWithTheMemory() throws Exception {
        // Unread loopback connections, filled until the kernel refuses: bounded by the replica's
        // limit (on cgroup v1 a quarter of limits.memory, 16 MiB at least), not by the host's tcp_mem.
        var script = String.join("\n", "import socket",
                "server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen(200)",
                "held, total, chunk = [], 0, b'x' * 65536",
                "for _ in range(150):",
                "    c = socket.create_connection(server.getsockname()); a, _ = server.accept(); held += [c, a]",
                "    c.setblocking(False)",
                "    try:",
                "        while True: total += c.send(chunk)",
                "    except OSError:",
                "        pass",
                "print(total >> 20)");
        var launch = new Launch("tcp-" + System.nanoTime(), new Program.Command(List.of("python3", "-c", script)),
                Map.of(), null, false, new Limits(64L << 20, 0, 64));
        var replica = sandbox.start(space, launch);
        try {
            replica.process().getOutputStream().close();
            var out = new String(replica.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(replica.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Long.parseLong(out)).as("MiB queued in unread sockets").isLessThan(64);
        } finally {
            replica.kill();
        }
    }
}
