package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.function.WatchdogMode;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.provider.ExecReplica;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A replica in a forking watchdog mode: each call starts the function's process. In
 * {@code serializing} mode the whole stdout is the response and a non-zero exit is a 500 carrying
 * stderr; in {@code streaming} mode stdout is streamed back as it is written. A process that runs
 * past {@code exec_timeout} is killed, with its children, and the call answers 408.
 */
final class ForkingReplica extends ExecReplica {

    private final FunctionName function;
    private final WatchdogConfig watchdog;
    private final Path workDir;
    private final Map<String, String> baseEnv;
    private final LogBook logs;

    ForkingReplica(String instance, FunctionName function, WatchdogConfig watchdog, Path workDir,
            Map<String, String> baseEnv, LogBook logs) {
        super(instance);
        this.function = function;
        this.watchdog = watchdog;
        this.workDir = workDir;
        this.baseEnv = baseEnv;
        this.logs = logs;
    }

    @Override
    public Future<InvocationResult> run(Invocation call) {
        var caller = new CallerContext();
        if (watchdog.mode() == WatchdogMode.SERIALIZING) {
            // The whole body goes to stdin anyway: take it first, then do all the blocking work
            // (start, stdin, stdout, exit) on one pipe thread and come back once.
            return collect(call.body()).compose(body -> caller.runBlocking(() -> serialize(call, body)))
                    .recover(failure -> Future.succeededFuture(InvocationResult.internal(502, "forward",
                            "cannot run function " + function + ": " + failure.getMessage())));
        }
        return caller.runBlocking(() -> start(call)).compose(process -> {
            call.cancellation().onCancel(() -> kill(process));
            StdinPump.start(call.body(), process.getOutputStream());
            killAfterTimeout(process);
            return Future.succeededFuture(streamed(process));
        }, failure -> Future.succeededFuture(InvocationResult.internal(502, "forward",
                "cannot start function " + function + ": " + failure.getMessage())));
    }

    private Process start(Invocation call) throws IOException {
        var builder = new ProcessBuilder(watchdog.fprocess()).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        var requestEnv = new HashMap<>(baseEnv);
        ProcessEnvironment.addRequest(requestEnv, call);
        env.putAll(requestEnv);
        return builder.start();
    }

    private AtomicBoolean killAfterTimeout(Process process) {
        var timedOut = new AtomicBoolean();
        var timer = CompletableFuture.delayedExecutor(watchdog.execTimeout().toMillis(), TimeUnit.MILLISECONDS);
        timer.execute(() -> {
            if (process.isAlive()) {
                timedOut.set(true);
                kill(process);
                logs.append(function, instance(), "killed after exec_timeout " + watchdog.execTimeout());
            }
        });
        return timedOut;
    }

    private InvocationResult serialize(Invocation call, Buffer body) throws Exception {
        var process = start(call);
        call.cancellation().onCancel(() -> kill(process));
        var timedOut = killAfterTimeout(process);
        var stdin = process.getOutputStream();
        if (body.length() <= PIPE_BUFFER) {
            writeAndClose(stdin, body);
        } else {
            PipeThreads.run(() -> writeAndClose(stdin, body));
        }
        return serialized(process, timedOut);
    }

    /** Fits in the pipe, so writing it before reading stdout cannot deadlock. */
    private static final int PIPE_BUFFER = 64 * 1024;

    private static void writeAndClose(java.io.OutputStream stdin, Buffer body) {
        try (stdin) {
            stdin.write(body.getBytes());
        } catch (IOException ignored) {
            // the process closed stdin early; its exit status tells the caller
        }
    }

    private static Future<Buffer> collect(Body body) {
        return switch (body) {
            case Body.Empty e -> Future.succeededFuture(Buffer.buffer());
            case Body.Bytes b -> Future.succeededFuture(b.buffer());
            case Body.Stream s -> {
                var promise = io.vertx.core.Promise.<Buffer>promise();
                var all = Buffer.buffer();
                s.stream().handler(all::appendBuffer);
                s.stream().exceptionHandler(promise::tryFail);
                s.stream().endHandler(v -> promise.tryComplete(all));
                s.stream().resume();
                yield promise.future();
            }
        };
    }

    private InvocationResult serialized(Process process, AtomicBoolean timedOut) throws Exception {
        var stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), PipeThreads.executor());
        byte[] stdout = process.getInputStream().readAllBytes();
        int exit = process.waitFor();
        var errors = stderr.join();
        if (timedOut.get()) {
            return InvocationResult.internal(408, "forward", "function " + function
                    + " exceeded exec_timeout " + watchdog.execTimeout() + " and was killed");
        }
        var errorText = new String(errors, StandardCharsets.UTF_8);
        errorText.lines().forEach(line -> logs.append(function, instance(), line));
        if (exit != 0) {
            var headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain; charset=utf-8");
            var message = errorText.isEmpty() ? "exit status " + exit : errorText;
            return InvocationResult.of(500, headers, Body.of(Buffer.buffer(message)));
        }
        return InvocationResult.of(200, contentType(), Body.of(Buffer.buffer(stdout)));
    }

    private InvocationResult streamed(Process process) {
        logs.pump(function, instance(), process.getErrorStream());
        var stdout = new OutputReadStream(process.getInputStream());
        return InvocationResult.of(200, contentType(), new Body.Stream(stdout, () -> kill(process)));
    }

    /**
     * The parent first, then the children it had: killed the other way round, a shell script
     * whose {@code sleep} died first would run its next line before its own turn came.
     */
    private static void kill(Process process) {
        var children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private MultiMap contentType() {
        var type = watchdog.contentType().isEmpty() ? "text/plain; charset=utf-8" : watchdog.contentType();
        return MultiMap.caseInsensitiveMultiMap().add("Content-Type", type);
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
