package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.function.WatchdogMode;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.provider.ExecReplica;
import dev.jfaas.sandbox.Limits;
import dev.jfaas.sandbox.SandboxedProcess;
import dev.jfaas.sandbox.spawner.Frame;
import dev.jfaas.sandbox.spawner.SpawnerCall;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A replica in a forking watchdog mode: its sandbox runs the spawner, and each call asks the
 * spawner to start the function's process in there. In {@code serializing} mode the whole stdout
 * is the response and a non-zero exit is a 500 carrying stderr; in {@code streaming} mode stdout
 * is streamed back as it is written. A process that runs past {@code exec_timeout} is killed, with
 * its children, and the call answers 408.
 */
final class ForkingReplica extends ExecReplica {

    /**
     * A serializing answer is held whole, so it may use an eighth of the heap at most (12 MiB with
     * the launcher's 96 MB, never more than 16 MiB); bigger ones belong in streaming mode.
     */
    static final int MAX_SERIALIZED_OUTPUT = (int) Math.min(16L << 20, Runtime.getRuntime().maxMemory() / 8);
    /** A body this small goes with the request in one write (a Unix socket buffers far more). */
    private static final int SOCKET_BUFFER = 64 << 10;
    private static final int SIGKILL = 9;

    private final java.util.concurrent.atomic.AtomicLong oomKillsSeen = new java.util.concurrent.atomic.AtomicLong();

    private final FunctionName function;
    private final WatchdogConfig watchdog;
    private final SandboxedProcess sandbox;
    private final LogBook logs;
    private final Limits limits;

    ForkingReplica(String instance, FunctionName function, WatchdogConfig watchdog, SandboxedProcess sandbox, LogBook logs,
            Limits limits) {
        super(instance);
        this.function = function;
        this.watchdog = watchdog;
        this.sandbox = sandbox;
        this.logs = logs;
        this.limits = limits;
    }

    @Override
    public Future<InvocationResult> run(Invocation call) {
        var caller = new CallerContext();
        if (watchdog.mode() == WatchdogMode.SERIALIZING) {
            return serialize(call, caller).recover(failure -> Future.succeededFuture(cannotRun(failure)));
        }
        long started = System.nanoTime();
        return caller.runBlocking(() -> begin(call, null, declaredLength(call))).compose(spawned -> {
            var timedOut = killAfterTimeout(spawned);
            StdinPump.start(call.body(), spawned.stdin());
            var lines = new CallLog(logs, function, instance());
            var debug = watchdog.writeDebug() ? new CallLog(logs, function, instance()) : null;
            var written = new java.util.concurrent.atomic.AtomicLong();
            var stdout = new OutputReadStream(() -> {
                while (true) {
                    switch (spawned.next()) {
                        case Frame.Stdout out -> {
                            written.addAndGet(out.bytes().length);
                            if (debug != null) {
                                debug.add(out.bytes());
                            }
                            return out.bytes();
                        }
                        case Frame.Stderr err -> lines.add(err.bytes());
                        case Frame.Exit exit -> {
                            lines.flush();
                            if (exit.code() != 0) {
                                logs.append(function, instance(), "exited with status " + exit.code());
                            }
                            return null;
                        }
                        case Frame.Failure failure -> throw new IOException(failure.message());
                    }
                }
            }, () -> {
                timedOut.close();
                lines.flush();
                if (debug != null) {
                    debug.flush();
                }
                if (timedOut.get()) {
                    logs.append(function, instance(), "killed after exec_timeout " + watchdog.execTimeout());
                }
                logWrote(written.get(), started);
            });
            return Future.succeededFuture(InvocationResult.of(200, contentType(), new Body.Stream(stdout, spawned::close)));
        }, failure -> Future.succeededFuture(cannotRun(failure)));
    }

    private InvocationResult cannotRun(Throwable failure) {
        var message = String.valueOf(failure.getMessage());
        if (message.contains("Resource temporarily unavailable") || message.contains("cannot fork")) {
            // Out of pids or of the spawner's room: the replica is full, not broken; try again shortly.
            var full = InvocationResult.internal(503, "forward", "function " + function + " has no room for another call now: "
                    + message);
            full.headers().set("Retry-After", "1");
            return full;
        }
        return InvocationResult.internal(502, "forward", "cannot run function " + function + ": " + message);
    }

    /** Asks the spawner to start the call's process, with the request in its environment. */
    private SpawnerCall begin(Invocation call, byte[] wholeStdin, long contentLength) throws IOException {
        var env = new HashMap<>(sandbox.environment());
        ProcessEnvironment.addRequest(env, call, contentLength);
        logs.append(function, instance(), "Forking fprocess.");
        var spawned = sandbox.call(watchdog.fprocess(), env, wholeStdin);
        call.cancellation().onCancel(spawned::close);
        return spawned;
    }

    /**
     * One timer thread for every call's exec_timeout. A call that ends cancels its timer (removed
     * at once), so nothing of it is kept until its timeout: a fixed delay per call held each call's
     * buffers for the whole exec_timeout, which at a few hundred calls a second filled the heap.
     */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor TIMEOUTS = timeouts();

    private static java.util.concurrent.ScheduledThreadPoolExecutor timeouts() {
        var executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("exec-timeouts").factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** A call's exec_timeout: closing the call makes the spawner kill the process group. */
    private record Deadline(java.util.concurrent.ScheduledFuture<?> timer, AtomicBoolean fired) implements AutoCloseable {
        boolean get() {
            return fired.get();
        }

        @Override
        public void close() {
            timer.cancel(false);
        }
    }

    /** exec_timeout 0 is no limit, as the OpenFaaS watchdogs read it: ten years, as the gateway's upstream calls. */
    private static long limitMillis(java.time.Duration execTimeout) {
        var longest = java.time.Duration.ofDays(3650);
        return execTimeout.isZero() || execTimeout.compareTo(longest) > 0 ? longest.toMillis() : execTimeout.toMillis();
    }

    private Deadline killAfterTimeout(SpawnerCall spawned) {
        var fired = new AtomicBoolean();
        var timer = TIMEOUTS.schedule(() -> {
            fired.set(true);
            spawned.close();
        }, limitMillis(watchdog.execTimeout()), TimeUnit.MILLISECONDS);
        return new Deadline(timer, fired);
    }

    /**
     * Serializing mode: the body goes to the process's stdin as it arrives (never held whole), the
     * whole stdout is the answer. A body already in memory and small goes with the request in one
     * write; the frames are read on one virtual thread, which comes back once.
     */
    private Future<InvocationResult> serialize(Invocation call, CallerContext caller) {
        long started = System.nanoTime();
        return switch (call.body()) {
            case Body.Stream stream -> caller.runBlocking(() -> begin(call, null, declaredLength(call))).compose(spawned -> {
                StdinPump.start(stream, spawned.stdin());
                return caller.runBlocking(() -> answer(spawned, started));
            });
            case Body.Bytes bytes -> caller.runBlocking(() -> {
                var body = bytes.buffer().getBytes();
                boolean small = body.length <= SOCKET_BUFFER;
                var spawned = begin(call, small ? body : null, body.length);
                if (!small) {
                    Thread.ofVirtual().name("stdin-" + instance()).start(() -> {
                        try (var stdin = spawned.stdin()) {
                            stdin.write(body);
                        } catch (IOException ignored) {
                            // the process closed stdin early; its exit status tells the caller
                        }
                    });
                }
                return answer(spawned, started);
            });
            case Body.Empty empty -> caller.runBlocking(() -> answer(begin(call, new byte[0], 0), started));
        };
    }

    /** The classic watchdog's line at the end of every forked call. */
    private void logWrote(long bytes, long startedNanos) {
        logs.append(function, instance(), String.format(java.util.Locale.ROOT, "Wrote %d Bytes - Duration: %f seconds",
                bytes, (System.nanoTime() - startedNanos) / 1e9));
    }

    private static long declaredLength(Invocation call) {
        var length = call.headers().get("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Reads a serializing call to its end and makes its answer; logs the watchdog's closing line. */
    private InvocationResult answer(SpawnerCall call, long started) throws IOException {
        var result = answerTimed(call);
        var sent = result.body() instanceof Body.Bytes bytes ? bytes.buffer().length() : 0;
        logWrote(sent, started);
        return result;
    }

    private InvocationResult answerTimed(SpawnerCall call) throws IOException {
        try (var spawned = call; var timedOut = killAfterTimeout(spawned)) {
            var stdout = Buffer.buffer();
            var stderr = new CallLog(logs, function, instance());
            Frame.Exit exit;
            try {
                exit = finish(spawned, stdout, stderr);
                if (watchdog.writeDebug()) {
                    var debug = new CallLog(logs, function, instance());
                    debug.add(stdout.getBytes());
                    debug.flush();
                }
            } catch (IOException e) {
                stderr.flush();
                if (timedOut.get()) {
                    logs.append(function, instance(), "killed after exec_timeout " + watchdog.execTimeout());
                    return InvocationResult.internal(408, "forward", "function " + function
                            + " exceeded exec_timeout " + watchdog.execTimeout() + " and was killed");
                }
                throw e;
            }
            stderr.flush();
            if (exit == null) {
                logs.append(function, instance(), "wrote more than " + MAX_SERIALIZED_OUTPUT + " bytes to stdout; killed");
                return InvocationResult.internal(502, "forward", "function " + function + " wrote more than "
                        + MAX_SERIALIZED_OUTPUT + " bytes to stdout, the most a serializing function may answer; "
                        + "use mode=streaming for large answers");
            }
            // Killed itself, or a child it waited for (a shell reports 128 + 9 then).
            if ((exit.signalled() && exit.signal() == SIGKILL || exit.code() == 128 + SIGKILL) && oomKilled()) {
                logs.append(function, instance(), "killed: over its memory limit of " + limits.memoryBytes() + " bytes");
                return text(500, "function " + function + " was killed: it went over its memory limit ("
                        + limits.memoryBytes() + " bytes, limits.memory)");
            }
            if (exit.code() != 0) {
                var message = stderr.text().isEmpty() ? "exit status " + exit.code() : stderr.text();
                return text(500, message);
            }
            return InvocationResult.of(200, contentType(), Body.of(stdout));
        }
    }

    /**
     * Whether the kernel killed something here for memory since we last looked. Asked only of a
     * call that died of SIGKILL, so other calls never pay for reading the cgroup.
     */
    private boolean oomKilled() {
        long now = sandbox.cgroup().oomKills();
        return oomKillsSeen.getAndAccumulate(now, Math::max) < now;
    }

    /** Reads frames to the end of the call; null when stdout went over its bound. */
    private static Frame.Exit finish(SpawnerCall spawned, Buffer stdout, CallLog stderr) throws IOException {
        while (true) {
            switch (spawned.next()) {
                case Frame.Stdout out -> {
                    if (stdout.length() + out.bytes().length > MAX_SERIALIZED_OUTPUT) {
                        return null;
                    }
                    stdout.appendBytes(out.bytes());
                }
                case Frame.Stderr err -> stderr.add(err.bytes());
                case Frame.Exit exit -> {
                    return exit;
                }
                case Frame.Failure failure -> throw new IOException(failure.message());
            }
        }
    }

    private static InvocationResult text(int status, String message) {
        var headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain; charset=utf-8");
        return InvocationResult.of(status, headers, Body.of(Buffer.buffer(message)));
    }

    private MultiMap contentType() {
        var type = watchdog.contentType().isEmpty() ? "text/plain; charset=utf-8" : watchdog.contentType();
        return MultiMap.caseInsensitiveMultiMap().add("Content-Type", type);
    }
}
