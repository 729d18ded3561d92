package dev.jfaas.provider.process;

import dev.jfaas.function.Backoff;
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
import dev.jfaas.sandbox.network.NetworkMode;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
    private static final Backoff RESTARTS = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
    private static final Duration STABLE_AFTER = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** Where a server listens in a network of its own, as an OpenFaaS watchdog does. */
    static final int SERVER_PORT = 8080;

    /** Receives this replica when it becomes ready (non-null) or stops being ready (null). */
    interface Listener {
        void readinessChanged(ReplicaProcess process, Replica readyOrNull);

        /** A held replica failed or died before its program started: it never will. */
        default void dropped(ReplicaProcess process) {}
    }

    private final String instance;
    private final FunctionName function;
    private final WatchdogConfig watchdog;
    private final View view;
    /** Whether the image's own watchdog is the server (it listens on 8080 unless told {@code port}). */
    private final boolean imageWatchdog;
    private final NetworkMode network;
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
    /** Restarts since the replica last ran for {@link #STABLE_AFTER}: how long the next waits. */
    private int restarts;
    /**
     * For a sandbox made ahead (a function at zero): true when its program may start, false when it is
     * dropped; null for a replica that starts at once.
     */
    private final CompletableFuture<Boolean> go;

    ReplicaProcess(String instance, FunctionName function, WatchdogConfig watchdog, View view, boolean imageWatchdog,
            NetworkMode network, Limits limits, Map<String, String> baseEnv, Sandbox sandbox, FunctionSpace space, LogBook logs,
            Listener listener, boolean held) {
        this.instance = instance;
        this.function = function;
        this.watchdog = watchdog;
        this.view = view;
        this.imageWatchdog = imageWatchdog;
        this.network = network;
        this.limits = limits;
        this.baseEnv = baseEnv;
        this.sandbox = sandbox;
        this.space = space;
        this.logs = logs;
        this.listener = listener;
        this.go = held ? new CompletableFuture<>() : null;
    }

    String instance() {
        return instance;
    }

    void start() {
        Thread.ofPlatform().daemon().name("replica-" + instance).start(this::superviseLoop);
    }

    /**
     * A held replica's program starts: it becomes a replica as any other. False if it was dropped
     * first (then it never starts).
     */
    boolean release() {
        return go != null && go.complete(true);
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
                if (runOnce()) {
                    continue; // the sandbox made ahead was gone: a new one at once, the call waits for it
                }
            } catch (IOException | RuntimeException e) {
                problem = "replica " + instance + " cannot start: " + e.getMessage();
                listener.readinessChanged(this, null); // calls waiting for it learn why at once
                logs.append(function, instance, "cannot start: " + e.getMessage());
                log.warn("replica {} of {} cannot start: {}", instance, function, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stopping) {
                return;
            }
            if (dropped()) {
                listener.dropped(this); // a sandbox made ahead that failed: the first call starts a replica as usual
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(STABLE_AFTER) > 0) {
                restarts = 0;
            }
            var backoff = RESTARTS.after(++restarts);
            logs.append(function, instance, "exited; restarting in " + backoff.toMillis() + "ms");
            sleepUnlessStopped(backoff);
        }
    }

    /** True when the sandbox was made ahead and found gone when its program was to start. */
    private boolean runOnce() throws IOException, InterruptedException {
        boolean forking = watchdog.mode().forksPerCall();
        var env = new HashMap<>(baseEnv);
        // In a network of its own a server has every port to itself, as in a container.
        int port = forking ? 0 : sandbox.ownNetwork(network) ? SERVER_PORT : freePort();
        if (!forking && !imageWatchdog) {
            env.put("PORT", Integer.toString(port));
        } else if (!forking && port != SERVER_PORT) {
            env.put("port", Integer.toString(port)); // what the OpenFaaS watchdogs read
        }
        Program program = forking ? new Program.Spawner() : new Program.Server(watchdog.fprocess(), port);
        var launch = new Launch(instance, program, env, view, limits, network);
        boolean holding = go != null && !go.isDone();
        SandboxedProcess started;
        synchronized (lock) {
            if (stopping) {
                return false;
            }
            started = sandbox.start(space, holding ? launch.toHold() : launch);
            running = started;
        }
        var process = started.process();
        try {
            if (!holding) {
                process.getOutputStream().close();
            } else {
                CompletableFuture.anyOf(go, process.onExit()).join();
                go.complete(false); // gone while held: dropped (nothing, when a call or a stop came first)
            }
            // Read from here on: while held nothing runs to write more than a pipe holds, and a held
            // sandbox costs two threads fewer. What it said meanwhile (why it failed) is read now.
            var output = CompletableFuture.allOf(logs.pump(function, instance, process.getInputStream()),
                    logs.pump(function, instance, process.getErrorStream()));
            if (holding) {
                if (!go.join()) {
                    return false;
                }
                try {
                    started.go();
                } catch (IOException gone) {
                    return true; // it died as the call came
                }
            }
            var ready = forking ? awaitSpawner(started) : awaitServer(started, port);
            if (ready != null) {
                problem = null;
                listener.readinessChanged(this, ready);
            }
            int exit = process.waitFor();
            if (ready == null && !stopping) {
                // its last words (why it stopped) are in the book once its pipes are read to their end;
                // a child of it that keeps them open is not waited for long
                output.completeOnTimeout(null, 1, java.util.concurrent.TimeUnit.SECONDS).join();
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
            return false;
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
            if (started.listening()) {
                return new ForkingReplica(instance, function, watchdog, started, logs, limits);
            }
            pause(begin);
        }
        return null;
    }

    /**
     * A server is ready when it accepts on its address (or its ready path answers 200), or, in a
     * network with loopback only, when it answers through its relay; unless it dies or we stop first.
     */
    private Replica awaitServer(SandboxedProcess started, int port) throws InterruptedException {
        long begin = System.nanoTime();
        var address = started.address();
        var relay = started.controlSocket();
        while (started.process().isAlive() && !stopping) {
            if (address.isPresent() ? Readiness.ready(address.get(), port, watchdog.readyPath())
                    : Readiness.ready(relay.orElseThrow(), watchdog.readyPath())) {
                return address.isPresent() ? new HttpReplica(instance, address.get(), port)
                        : new HttpReplica(instance, "127.0.0.1", port, relay.get());
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
            drop();
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
            drop();
            current = running;
        }
        if (current != null) {
            current.kill();
        }
    }

    /** Whether this was a held replica whose program never started (a failed one is dropped now). */
    private boolean dropped() {
        if (go == null) {
            return false;
        }
        go.complete(false);
        return !go.join();
    }

    /** A held replica whose program has not started never will. */
    private void drop() {
        if (go != null) {
            go.complete(false);
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
}
