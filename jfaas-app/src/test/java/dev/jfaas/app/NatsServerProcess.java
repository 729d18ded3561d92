package dev.jfaas.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A private nats-server with JetStream on a free port and its own store, for tests that stop and
 * start the broker without disturbing anyone else's.
 */
final class NatsServerProcess implements AutoCloseable {

    private final Path binary;
    private final int port;
    private final Path store;
    private Process process;

    private NatsServerProcess(Path binary, int port, Path store) {
        this.binary = binary;
        this.port = port;
        this.store = store;
    }

    /** Starts one, or skips the test when nats-server is not installed (fails instead when CI=true). */
    static NatsServerProcess start() throws Exception {
        var binary = find();
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var server = new NatsServerProcess(binary, port, Files.createTempDirectory("jfaas-nats"));
        server.startAgain();
        return server;
    }

    private static Path find() {
        for (var dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/bin").split(":")) {
            var candidate = Path.of(dir, "nats-server");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        var message = "nats-server is not installed";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + ": CI=true, so broker tests must run");
        }
        Assumptions.abort(message + ": skipping the broker outage test");
        return null;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Starts the server (again) on the same port and store, and waits until it accepts connections. */
    void startAgain() throws Exception {
        process = new ProcessBuilder(binary.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port), "-js",
                "-sd", store.toString()).redirectErrorStream(true).redirectOutput(store.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("nats-server did not start; see " + store.resolve("server.log"));
                }
                Thread.sleep(20);
            }
        }
    }

    /** SIGKILL, as a crash or a pulled plug would be. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
