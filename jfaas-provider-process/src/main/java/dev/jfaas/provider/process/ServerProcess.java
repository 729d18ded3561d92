package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.provider.HttpReplica;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One http-mode replica: a long-running process told its {@code PORT}, watched until it accepts
 * connections (or its {@code ready_path} answers 200), and started again with backoff when it
 * dies. It reports readiness changes to its function.
 */
final class ServerProcess {

    private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STABLE_AFTER = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** Receives this replica when it becomes ready (non-null) or stops being ready (null). */
    interface Listener {
        void readinessChanged(ServerProcess process, HttpReplica readyOrNull);
    }

    private final String instance;
    private final FunctionName function;
    private final WatchdogConfig watchdog;
    private final Path workDir;
    private final Map<String, String> baseEnv;
    private final LogBook logs;
    private final Listener listener;
    private volatile boolean stopping;
    private volatile Process process;
    private Duration backoff = FIRST_BACKOFF;

    ServerProcess(String instance, FunctionName function, WatchdogConfig watchdog, Path workDir,
            Map<String, String> baseEnv, LogBook logs, Listener listener) {
        this.instance = instance;
        this.function = function;
        this.watchdog = watchdog;
        this.workDir = workDir;
        this.baseEnv = baseEnv;
        this.logs = logs;
        this.listener = listener;
    }

    String instance() {
        return instance;
    }

    void start() {
        Thread.ofVirtual().name("replica-" + instance).start(this::superviseLoop);
    }

    /** Starts the process, waits for ready, waits for exit; again after a backoff unless stopping. */
    private void superviseLoop() {
        while (!stopping) {
            long startedAt = System.nanoTime();
            try {
                runOnce();
            } catch (IOException e) {
                logs.append(function, instance, "cannot start: " + e.getMessage());
                log.warn("replica {} of {} cannot start: {}", instance, function, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stopping) {
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(STABLE_AFTER) > 0) {
                backoff = FIRST_BACKOFF;
            }
            logs.append(function, instance, "exited; restarting in " + backoff.toMillis() + "ms");
            sleepUnlessStopped(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void runOnce() throws IOException, InterruptedException {
        int port = freePort();
        var env = new HashMap<>(baseEnv);
        env.put("PORT", Integer.toString(port));
        var builder = new ProcessBuilder(watchdog.fprocess()).directory(workDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        var started = builder.start();
        process = started;
        started.getOutputStream().close();
        logs.pump(function, instance, started.getInputStream());
        logs.pump(function, instance, started.getErrorStream());
        if (stopping) {
            kill(started);
            return;
        }
        if (awaitReady(started, port)) {
            listener.readinessChanged(this, new HttpReplica(instance, "127.0.0.1", port));
        }
        int exit = started.waitFor();
        listener.readinessChanged(this, null);
        if (!stopping) {
            log.warn("replica {} of {} exited with status {}", instance, function, exit);
        }
    }

    /**
     * Polls until the port accepts (or ready_path says 200), the process dies, or we stop. Every
     * millisecond for the first two seconds: a waiting call (scale from zero) should not pay for
     * a coarse poll; a connect to a closed local port costs microseconds.
     */
    private boolean awaitReady(Process started, int port) throws InterruptedException {
        long begin = System.nanoTime();
        while (started.isAlive() && !stopping) {
            if (watchdog.readyPath().isEmpty() ? accepts(port) : answers200(port, watchdog.readyPath())) {
                return true;
            }
            Thread.sleep(System.nanoTime() - begin < 2_000_000_000L ? 1 : 25);
        }
        return false;
    }

    void stop() {
        stopping = true;
        var running = process;
        if (running != null) {
            kill(running);
        }
    }

    private void kill(Process running) {
        running.destroy();
        running.onExit().completeOnTimeout(null, STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenRun(() -> {
                    if (running.isAlive()) {
                        var children = running.descendants().toList(); // parent first, as in ForkingReplica.kill
                        running.destroyForcibly();
                        children.forEach(ProcessHandle::destroyForcibly);
                    }
                });
    }

    private void sleepUnlessStopped(Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        while (!stopping && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answers200(int port, String path) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            var statusLine = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                statusLine.append((char) c);
            }
            var parts = statusLine.toString().split(" ");
            return parts.length > 1 && parts[1].equals("200");
        } catch (IOException e) {
            return false;
        }
    }

}
