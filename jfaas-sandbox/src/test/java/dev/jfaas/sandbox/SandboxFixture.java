package dev.jfaas.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A sandbox on a temp runtime root, and programs run in it to the end. */
final class SandboxFixture {

    private SandboxFixture() {}

    static Sandbox open(SandboxSettings.Kind kind) {
        try {
            var root = Files.createTempDirectory("jfaas-sandbox-test");
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            return Sandbox.open(settings(kind, root.resolve("run")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The settings a gateway would have, with small /tmp and pids limits. */
    static SandboxSettings settings(SandboxSettings.Kind kind, Path runtimeRoot) {
        return SandboxSettings.from(dev.jfaas.settings.Settings.of(Map.of("JFAAS_SANDBOX", kind.name().toLowerCase(java.util.Locale.ROOT),
                "JFAAS_SANDBOX_RUNTIME", runtimeRoot.toString(), "JFAAS_SANDBOX_TMP_SIZE", "8Mi", "JFAAS_SANDBOX_PIDS", "64")));
    }

    record Finished(int exit, String stdout, String stderr) {}

    /** Runs a shell script as a replica's program and waits for it to end. */
    static Finished run(Sandbox sandbox, FunctionSpace space, String script, Path appDir, boolean readOnly, Limits limits) {
        var launch = new Launch("test-" + System.nanoTime(), new Program.Command(List.of("/bin/sh", "-c", script)),
                Map.of("greeting", "hello"), appDir, readOnly, limits);
        try {
            var sandboxed = sandbox.start(space, launch);
            var process = sandboxed.process();
            process.getOutputStream().close();
            var stderr = new StringBuilder();
            var reader = Thread.ofPlatform().start(() -> {
                try {
                    stderr.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // what was read is kept
                }
            });
            var stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                sandboxed.kill();
                throw new IllegalStateException("the sandboxed script did not end: " + script);
            }
            reader.join();
            sandboxed.kill();
            return new Finished(process.exitValue(), stdout, stderr.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Finished run(Sandbox sandbox, FunctionSpace space, String script) {
        return run(sandbox, space, script, null, false, new Limits(0, 0, 64));
    }
}
