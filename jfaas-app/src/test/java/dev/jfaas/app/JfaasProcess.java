package dev.jfaas.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code jfaas up} or {@code jfaas worker} in a JVM of its own, so a test can kill -9 it. Started
 * with the test's class path; ready once it prints the line the test waits for. What it prints
 * goes to a jfaas-*.log file in the temp directory.
 */
/** @param port the gateway's HTTP port, or a worker's metrics port (0 if it serves none) */
record JfaasProcess(Process process, int port) implements AutoCloseable {

    static final String LISTENING = "jfaas listening on port ";
    static final String DRAINING = "jfaas worker draining";
    static final String WORKER_METRICS = "jfaas worker metrics on port ";

    static JfaasProcess gateway(Map<String, String> env) throws Exception {
        return gateway(env, List.of());
    }

    /** With extra JVM options, e.g. to run it with as many virtual thread carriers as a 2-core machine has. */
    static JfaasProcess gateway(Map<String, String> env, List<String> jvmOptions) throws Exception {
        return start(jvmOptions, List.of("up"), env, LISTENING);
    }

    static JfaasProcess worker(List<String> args, Map<String, String> env) throws Exception {
        var command = new ArrayList<String>();
        command.add("worker");
        command.addAll(args);
        return start(List.of(), command, env, DRAINING);
    }

    private static JfaasProcess start(List<String> jvmOptions, List<String> args, Map<String, String> env, String readyLine)
            throws Exception {
        var java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        var log = Files.createTempFile("jfaas-" + args.getFirst() + "-", ".log");
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        var process = builder.start();
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream()));
        var ready = new CompletableFuture<Integer>();
        Thread.ofVirtual().start(() -> {
            int metricsPort = 0;
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
                    var metricsAt = line.indexOf(WORKER_METRICS);
                    if (metricsAt >= 0) {
                        metricsPort = Integer.parseInt(line.substring(metricsAt + WORKER_METRICS.length()).strip());
                    }
                    var at = line.indexOf(readyLine);
                    if (at >= 0 && !ready.isDone()) {
                        ready.complete(readyLine.equals(LISTENING)
                                ? Integer.parseInt(line.substring(at + readyLine.length()).strip()) : metricsPort);
                    }
                }
            } catch (IOException ignored) {
                // the process died; ready may never complete, which fails the test below
            }
            ready.completeExceptionally(new IllegalStateException(args.getFirst() + " exited before it was ready; see " + log));
        });
        try {
            return new JfaasProcess(process, ready.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** SIGKILL: no shutdown hook, nothing flushed. */
    void kill() throws InterruptedException {
        ChildProcesses.kill(process);
    }

    @Override
    public void close() throws InterruptedException {
        ChildProcesses.stop(process);
    }
}
