package dev.jfaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.sandbox.spawner.Frame;
import dev.jfaas.sandbox.spawner.SpawnerCall;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Calls forked by the spawner inside a replica's sandbox (and without one), over its socket. */
class SpawnerTest {

    Sandbox sandbox;
    FunctionSpace space;
    SandboxedProcess replica;

    record Result(byte[] stdout, String stderr, Frame.Exit exit, String failure) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    SandboxedProcess startSpawner(SandboxSettings.Kind kind) throws IOException {
        sandbox = SandboxFixture.open(kind);
        space = sandbox.space();
        replica = sandbox.start(space, new Launch("spawner-" + System.nanoTime(), new Program.Spawner(),
                Map.of("fprocess", "cat"), null, false, new Limits(0, 0, 256)));
        await().atMost(Duration.ofSeconds(10)).until(replica::listening);
        return replica;
    }

    @AfterEach
    void stop() {
        if (replica != null) {
            replica.kill();
        }
        if (space != null) {
            space.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    Result call(SandboxedProcess socket, List<String> argv, Map<String, String> extraEnv, byte[] stdin) throws Exception {
        var env = new HashMap<>(replica.environment());
        env.putAll(extraEnv);
        try (var call = socket.call(argv, env, null)) {
            var writer = Thread.ofVirtual().start(() -> {
                try (var in = call.stdin()) {
                    in.write(stdin);
                } catch (IOException ignored) {
                    // the process stopped reading
                }
            });
            var out = new ByteArrayOutputStream();
            var err = new StringBuilder();
            while (true) {
                switch (call.next()) {
                    case Frame.Stdout s -> out.write(s.bytes());
                    case Frame.Stderr s -> err.append(new String(s.bytes(), StandardCharsets.UTF_8));
                    case Frame.Exit exit -> {
                        writer.join(Duration.ofSeconds(10));
                        return new Result(out.toByteArray(), err.toString(), exit, null);
                    }
                    case Frame.Failure failure -> {
                        return new Result(out.toByteArray(), err.toString(), null, failure.message());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SandboxSettings.Kind.class)
    void aCallGetsStdinAndGivesStdoutStderrAndExitCode(SandboxSettings.Kind kind) throws Exception {
        var socket = startSpawner(kind);
        var echo = call(socket, List.of("cat"), Map.of(), "hello spawner".getBytes());
        assertThat(echo.text()).isEqualTo("hello spawner");
        assertThat(echo.exit().code()).isZero();
        var failing = call(socket, List.of("sh", "-c", "echo oops >&2; echo $Http_Method; exit 3"), Map.of("Http_Method", "PUT"), new byte[0]);
        assertThat(failing.text()).isEqualTo("PUT\n");
        assertThat(failing.stderr()).isEqualTo("oops\n");
        assertThat(failing.exit().code()).isEqualTo(3);
        var missing = call(socket, List.of("no-such-program"), Map.of(), new byte[0]);
        assertThat(missing.exit().code()).isEqualTo(127);
        assertThat(missing.stderr()).contains("cannot run no-such-program");
    }

    @ParameterizedTest
    @EnumSource(SandboxSettings.Kind.class)
    void tenMegabytesPassBothWaysAndAProcessThatStopsReadingStillAnswers(SandboxSettings.Kind kind) throws Exception {
        var socket = startSpawner(kind);
        var body = new byte[10 << 20];
        new java.util.Random(3).nextBytes(body);
        var echoed = call(socket, List.of("cat"), Map.of(), body);
        assertThat(echoed.stdout()).isEqualTo(body);
        var head = call(socket, List.of("head", "-c", "5"), Map.of(), body);
        assertThat(head.stdout()).hasSize(5);
        assertThat(head.exit().code()).isZero();
    }

    @ParameterizedTest
    @EnumSource(SandboxSettings.Kind.class)
    void closingTheCallKillsItsProcesses(SandboxSettings.Kind kind) throws Exception {
        var socket = startSpawner(kind);
        var call = socket.call(List.of("sh", "-c", "sleep 60 & echo started; wait"), replica.environment(), null);
        call.stdin().close();
        assertThat(call.next()).isInstanceOf(Frame.Stdout.class);
        // "started" can come before the backgrounded child has exec'd sleep: wait for it to show.
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.process().toHandle().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("sleep")).count() == 1);
        call.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.process().toHandle().descendants()
                .noneMatch(p -> p.info().command().orElse("").endsWith("sleep")));
    }

    @ParameterizedTest
    @EnumSource(SandboxSettings.Kind.class)
    void callsRunInParallel(SandboxSettings.Kind kind) throws Exception {
        var socket = startSpawner(kind);
        var calls = new java.util.ArrayList<CompletableFuture<Result>>();
        for (int i = 0; i < 20; i++) {
            var input = ("call " + i).getBytes();
            var result = new CompletableFuture<Result>();
            Thread.ofVirtual().start(() -> {
                try {
                    result.complete(call(socket, List.of("sh", "-c", "sleep 0.2; cat"), Map.of(), input));
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
            calls.add(result);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(calls.get(i).join().text()).isEqualTo("call " + i);
        }
    }

    @org.junit.jupiter.api.Test
    void whatACallLeavesRunningEndsWithItEvenDaemonized() throws Exception {
        var replica = startSpawner(SandboxSettings.Kind.BWRAP);
        call(replica, List.of("sh", "-c", "sleep 301 & (setsid sh -c 'sleep 302 &' &) ; echo started"), Map.of(), new byte[0]);
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.process().toHandle().descendants()
                .noneMatch(p -> p.info().arguments().map(a -> a.length == 1 && a[0].startsWith("30")).orElse(false)));
    }

    @org.junit.jupiter.api.Test
    void aChainForkingFasterThanATreeWalkCannotOutliveItsCall() throws Exception {
        var dir = java.nio.file.Files.createTempDirectory("jfaas-chain");
        java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var source = dir.resolve("chain.c");
        try (var in = SpawnerTest.class.getResourceAsStream("leftover-chain.c")) {
            java.nio.file.Files.copy(in, source);
        }
        var cc = new ProcessBuilder("cc", "-static", "-O2", "-o", dir.resolve("chain").toString(), source.toString())
                .redirectErrorStream(true).start();
        assertThat(cc.waitFor()).as(new String(cc.getInputStream().readAllBytes())).isZero();
        sandbox = SandboxFixture.open(SandboxSettings.Kind.BWRAP);
        space = sandbox.space();
        replica = sandbox.start(space, new Launch("chain-" + System.nanoTime(), new Program.Spawner(), Map.of(), dir, true,
                new Limits(0, 0, 128)));
        await().atMost(Duration.ofSeconds(10)).until(replica::listening);
        for (int i = 0; i < 3; i++) {
            assertThat(call(replica, List.of("/home/app/chain"), Map.of(), new byte[0]).exit().code()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> replica.process().toHandle().descendants()
                    .noneMatch(p -> p.info().command().orElse("").endsWith("/chain")));
        }
        assertThat(call(replica, List.of("sh", "-c", "echo still serving"), Map.of(), new byte[0]).text()).isEqualTo("still serving\n");
    }

    @org.junit.jupiter.api.Test
    void aCallCannotReadAnotherCallsEnvironmentTraceItOrSignalIt() throws Exception {
        var replica = startSpawner(SandboxSettings.Kind.BWRAP);
        var env = new HashMap<>(replica.environment());
        env.put("Http_Authorization", "Basic bmVpZ2hib3VyOnNlY3JldA==");
        try (var victim = replica.call(List.of("sh", "-c", "echo $$; sleep 2; echo survived"), env, new byte[0])) {
            var pid = new String(((Frame.Stdout) victim.next()).bytes(), StandardCharsets.UTF_8).strip();
            var snoop = call(replica, List.of("sh", "-c", "echo $$; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c bmVpZ2hib3Vy; "
                    + "kill -9 " + pid + " 2>/dev/null || echo kill-refused; kill -9 -1 2>/dev/null; "
                    + "python3 -c 'import ctypes; print(\"ptrace\", ctypes.CDLL(None).ptrace(16, " + pid + ", 0, 0))'"), Map.of(), new byte[0]);
            var lines = snoop.text().lines().toList();
            assertThat(lines.getFirst()).as("pids stay unique across a replica's calls").isNotEqualTo(pid);
            assertThat(lines.subList(1, lines.size())).containsExactly("0", "kill-refused", "ptrace -1");
            var rest = new StringBuilder();
            for (var frame = victim.next(); !(frame instanceof Frame.Exit); frame = victim.next()) {
                if (frame instanceof Frame.Stdout out) {
                    rest.append(new String(out.bytes(), StandardCharsets.UTF_8));
                }
            }
            assertThat(rest.toString()).isEqualTo("survived\n");
        }
    }

    @org.junit.jupiter.api.Test
    void callsRunUnderTheSeccompFilterWithoutCapabilities() throws Exception {
        var replica = startSpawner(SandboxSettings.Kind.BWRAP);
        var status = call(replica, List.of("sh", "-c", "grep -E '^(Seccomp|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status; "
                + "unshare -U true 2>/dev/null || echo unshare-refused; unshare -m true 2>/dev/null || echo mount-ns-refused; "
                + "cat /proc/1/environ >/dev/null 2>&1 || echo spawner-out-of-reach; "
                + "touch /dev/x 2>/dev/null || echo dev-read-only; echo x > /dev/null && echo dev-null-works; "
                + "grep -c ro-bind /proc/1/cmdline || echo host-paths-hidden; "
                + "python3 -c 'import socket; socket.socket(40, socket.SOCK_STREAM)' 2>/dev/null || echo vsock-refused; "
                + "mount -t tmpfs none /tmp 2>/dev/null || echo mount-refused; "
                + "python3 -c 'import ctypes, os; l = ctypes.CDLL(None, use_errno=True); "
                + "r = l.syscall(250, 0, 0, 0, 0); print(\"keyctl\", r, os.strerror(ctypes.get_errno()))'"), Map.of(), new byte[0]);
        assertThat(status.text()).containsPattern("Seccomp:\\s+2").containsPattern("CapEff:\\s+0+\\n")
                .containsPattern("CapBnd:\\s+0+\\n").containsPattern("CapAmb:\\s+0+\\n").containsPattern("NoNewPrivs:\\s+1")
                .contains("unshare-refused", "mount-ns-refused", "mount-refused", "keyctl -1 Operation not permitted",
                        "spawner-out-of-reach", "dev-read-only", "dev-null-works", "vsock-refused", "host-paths-hidden");
    }

    @org.junit.jupiter.api.Test
    void theControlSocketIsNowhereInTheSandbox() throws Exception {
        var replica = startSpawner(SandboxSettings.Kind.BWRAP);
        var found = call(replica, List.of("sh", "-c", "ls -A /run/jfaas; find / -xdev -type s 2>/dev/null | wc -l"), Map.of(), new byte[0]);
        assertThat(found.text()).isEqualTo("jfaas-spawner\n0\n");
        assertThat(replica.controlSocket()).hasValueSatisfying(socket ->
                assertThat(socket.getParent().toFile().canExecute()).isTrue());
    }
}
