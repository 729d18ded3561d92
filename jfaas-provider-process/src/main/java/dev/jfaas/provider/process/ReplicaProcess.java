package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.provider.HttpReplica;
import dev.jfaas.provider.Replica;
import dev.jfaas.sandbox.FunctionSpace;
import dev.jfaas.sandbox.Launch;
import dev.jfaas.sandbox.Limits;
import dev.jfaas.sandbox.Program;
import dev.jfaas.sandbox.Sandbox;
import dev.jfaas.sandbox.SandboxedProcess;
import dev.jfaas.sandbox.View;
import dev.jfaas.sandbox.cgroup.ReplicaCgroup;
import dev.jfaas.sandbox.spawner.SpawnerCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica: a sandbox running the function's server (http mode, told its {@code PORT}) or the
 * spawner that forks each call (forking modes), watched until it is ready, and started again with
 * backoff when it dies. It reports readiness changes to its function. The supervising thread is a
 * platform thread of the replica's own: the sandbox dies with the thread that started it.
 */
final class ReplicaProcess {

    private static final Logger log = LoggerFactory.getLogger(ReplicaProcess.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STABLE_AFTER = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** Receives this replica when it becomes ready (non-null) or stops being ready (null). */
    interface Listener {
        void readinessChanged(ReplicaProcess process, Replica readyOrNull);
    }

    private final String instance;
    private final FunctionName function;
    private final WatchdogConfig watchdog;
    private final View view;
    /** The port an isolated server listens on in its own network (an image's watchdog: 8080), or 0. */
    private final int isolatedPort;
    private final Limits limits;
    private final Map<String, String> baseEnv;
    private final Sandbox sandbox;
    private final FunctionSpace space;
    private final LogBook logs;
    private final Listener listener;
    private final Object lock = new Object();
    private volatile boolean stopping;
    private volatile String problem;
    private SandboxedProcess running;
    private Duration backoff = FIRST_BACKOFF;

    ReplicaProcess(String instance, FunctionName function, WatchdogConfig watchdog, View view, int isolatedPort,
            Limits limits, Map<String, String> baseEnv, Sandbox sandbox, FunctionSpace space, LogBook logs, Listener listener) {
        this.instance = instance;
        this.function = function;
        this.watchdog = watchdog;
        this.view = view;
        this.isolatedPort = isolatedPort;
        this.limits = limits;
        this.baseEnv = baseEnv;
        this.sandbox = sandbox;
        this.space = space;
        this.logs = logs;
        this.listener = listener;
    }

    String instance() {
        return instance;
    }

    void start() {
        Thread.ofPlatform().daemon().name("replica-" + instance).start(this::superviseLoop);
    }

    /** Why the replica is not ready, when its last start failed; null once it is ready. */
    String problem() {
        return problem;
    }

    /** CPU time and memory of the running sandbox, or nothing between runs. */
    ReplicaCgroup.Usage usage() {
        synchronized (lock) {
            return running == null ? ReplicaCgroup.Usage.NONE : running.cgroup().usage();
        }
    }

    /** Starts the sandbox, waits for ready, waits for exit; again after a backoff unless stopping. */
    private void superviseLoop() {
        while (!stopping) {
            long startedAt = System.nanoTime();
            try {
                runOnce();
            } catch (IOException | RuntimeException e) {
                problem = "replica " + instance + " cannot start: " + e.getMessage();
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
        boolean forking = watchdog.mode().forksPerCall();
        var env = new HashMap<>(baseEnv);
        boolean isolated = !forking && isolatedPort > 0;
        int port = forking ? 0 : isolated ? isolatedPort : freePort();
        if (!forking && !isolated) {
            env.put("PORT", Integer.toString(port));
        }
        Program program = forking ? new Program.Spawner()
                : isolated ? new Program.Isolated(watchdog.fprocess(), port) : new Program.Command(watchdog.fprocess());
        SandboxedProcess started;
        synchronized (lock) {
            if (stopping) {
                return;
            }
            started = sandbox.start(space, new Launch(instance, program, env, view, limits));
            running = started;
        }
        var process = started.process();
        try {
            process.getOutputStream().close();
            logs.pump(function, instance, process.getInputStream());
            logs.pump(function, instance, process.getErrorStream());
            var ready = forking ? awaitSpawner(started) : isolated ? awaitRelay(started, port) : awaitPort(process, port);
            if (ready != null) {
                problem = null;
                listener.readinessChanged(this, ready);
            }
            int exit = process.waitFor();
            if (ready == null && !stopping) {
                var last = logs.lastLine(function, instance);
                problem = "replica " + instance + " exited with status " + exit + " before it was ready"
                        + (last == null ? "" : ": " + last);
            }
            listener.readinessChanged(this, null);
            if (started.cgroup().oomKills() > 0) {
                logs.append(function, instance, "killed: over its memory limit of " + limits.memoryBytes() + " bytes");
            }
            if (!stopping) {
                log.warn("replica {} of {} exited with status {}", instance, function, exit);
            }
        } finally {
            synchronized (lock) {
                running = null;
            }
            started.kill();
        }
    }

    private Replica awaitSpawner(SandboxedProcess started) throws InterruptedException {
        long begin = System.nanoTime();
        while (started.process().isAlive() && !stopping) {
            var socket = started.spawnerSocket();
            if (socket.isPresent() && SpawnerCall.listening(socket.get())) {
                return new ForkingReplica(instance, function, watchdog, started, logs, limits);
            }
            pause(begin);
        }
        return null;
    }

    /**
     * An isolated server is ready when its ready path (its watchdog's /_/health) answers 200
     * through the relay, unless it dies or we stop first.
     */
    private Replica awaitRelay(SandboxedProcess started, int port) throws InterruptedException {
        long begin = System.nanoTime();
        var path = watchdog.readyPath().isEmpty() ? "/_/health" : watchdog.readyPath();
        while (started.process().isAlive() && !stopping) {
            var socket = started.spawnerSocket();
            if (socket.isPresent() && answers200(socket.get(), path)) {
                return new HttpReplica(instance, "127.0.0.1", port, socket.get());
            }
            pause(begin);
        }
        return null;
    }

    private static boolean answers200(java.nio.file.Path socket, String path) {
        try (var channel = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.connect(java.net.UnixDomainSocketAddress.of(socket));
            var request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            channel.write(java.nio.ByteBuffer.wrap(request));
            var answer = java.nio.ByteBuffer.allocate(64);
            while (answer.hasRemaining() && channel.read(answer) > 0) {
                if (new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).contains("\r\n")) {
                    break;
                }
            }
            var line = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            var parts = line.split(" ");
            return parts.length > 1 && parts[1].equals("200");
        } catch (IOException e) {
            return false;
        }
    }

    /** Ready when the port accepts (or ready_path says 200), unless the process dies or we stop first. */
    private Replica awaitPort(Process started, int port) throws InterruptedException {
        long begin = System.nanoTime();
        while (started.isAlive() && !stopping) {
            if (watchdog.readyPath().isEmpty() ? accepts(port) : answers200(port, watchdog.readyPath())) {
                return new HttpReplica(instance, "127.0.0.1", port);
            }
            pause(begin);
        }
        return null;
    }

    /**
     * Every millisecond for the first two seconds: a waiting call (scale from zero) should not pay
     * for a coarse poll; a connect to a closed local port or socket costs microseconds.
     */
    private static void pause(long begin) throws InterruptedException {
        Thread.sleep(System.nanoTime() - begin < 2_000_000_000L ? 1 : 25);
    }

    /** SIGTERM to the function's program, SIGKILL to the whole sandbox after the grace period. */
    void stop() {
        SandboxedProcess current;
        synchronized (lock) {
            stopping = true;
            current = running;
        }
        if (current != null) {
            current.terminate();
            current.process().onExit().completeOnTimeout(null, STOP_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .thenRun(current::kill);
        }
    }

    /** At once, without a grace period: the gateway is shutting down. */
    void kill() {
        SandboxedProcess current;
        synchronized (lock) {
            stopping = true;
            current = running;
        }
        if (current != null) {
            current.kill();
        }
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
