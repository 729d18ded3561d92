package dev.jfaas.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A private broker server (nats-server with JetStream, or redis-server writing every change to its
 * append-only file) on a free port with its own store, for tests that kill and restart the broker
 * without disturbing anyone else's.
 */
final class BrokerServerProcess implements AutoCloseable {

    enum Kind { NATS, REDIS }

    private final Kind kind;
    private final Path binary;
    private final int port;
    private final Path store;
    private Process process;

    private BrokerServerProcess(Kind kind, Path binary, int port, Path store) {
        this.kind = kind;
        this.binary = binary;
        this.port = port;
        this.store = store;
    }

    /** Starts one, or skips the test when the server is not installed (fails instead when CI=true). */
    static BrokerServerProcess start(Kind kind) throws Exception {
        var binary = find(kind == Kind.NATS ? "nats-server" : "redis-server");
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var server = new BrokerServerProcess(kind, binary, port, Files.createTempDirectory("jfaas-broker"));
        server.startAgain();
        return server;
    }

    private static Path find(String name) {
        for (var dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/usr/local/bin").split(":")) {
            var candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        var message = name + " is not installed";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + ": CI=true, so broker tests must run");
        }
        Assumptions.abort(message + ": skipping the broker outage test");
        return null;
    }

    String url() {
        return (kind == Kind.NATS ? "nats://127.0.0.1:" : "redis://127.0.0.1:") + port;
    }

    /** Starts the server (again) on the same port and store, and waits until it accepts connections. */
    void startAgain() throws Exception {
        var command = kind == Kind.NATS
                ? List.of(binary.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", store.toString())
                : List.of(binary.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port), "--dir", store.toString(),
                        "--save", "", "--appendonly", "yes", "--appendfsync", "always");
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(store.resolve("server.log").toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException(binary.getFileName() + " did not start; see " + store.resolve("server.log"));
                }
                Thread.sleep(20);
            }
        }
    }

    /** SIGKILL, as a crash or a pulled plug would be. */
    void kill() throws InterruptedException {
        ChildProcesses.kill(process);
    }

    @Override
    public void close() throws InterruptedException {
        ChildProcesses.stop(process);
    }
}
