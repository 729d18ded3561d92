package dev.jfaas.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * skopeo and umoci, run as commands: they speak the registry protocol and apply layers (whiteouts,
 * hard links, permissions) so jfaas does not write either by hand.
 */
final class Tools {

    private Tools() {}

    record Result(int exit, String out, String err) {}

    static Result run(List<String> command, Path directory, long timeoutSeconds) {
        try {
            var builder = new ProcessBuilder(command);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            var process = builder.start();
            process.getOutputStream().close();
            // Pipes are read on platform threads: a pipe read would pin a virtual thread's carrier.
            // Both are read beside the wait, so a tool that hangs (a registry that accepts and never
            // answers) is stopped at the timeout instead of holding its caller for as long as it lives.
            var err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), r -> Thread.ofPlatform().daemon().start(r));
            var out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), r -> Thread.ofPlatform().daemon().start(r));
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new ImageException(504, command.getFirst() + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), output(out), output(err));
        } catch (IOException e) {
            throw new ImageException(500, "cannot run " + command.getFirst() + " (install skopeo and umoci): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(503, "interrupted while running " + command.getFirst());
        }
    }

    /** Runs and insists on success; the tool's last line of stderr says why it failed. */
    static String check(List<String> command, Path directory, long timeoutSeconds, int statusOnFailure, String what) {
        var result = run(command, directory, timeoutSeconds);
        if (result.exit() != 0) {
            var lines = result.err().strip().lines().toList();
            var why = lines.isEmpty() ? "exit status " + result.exit() : lines.getLast();
            throw new ImageException(statusOnFailure, what + ": " + why);
        }
        return result.out();
    }

    /** What a finished tool wrote; a pipe some child of it still holds open is not waited for long. */
    private static String output(CompletableFuture<String> read) throws InterruptedException {
        try {
            return read.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return "";
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
