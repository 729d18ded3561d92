package dev.jfaas.app;

import java.util.concurrent.TimeUnit;

/** How tests end the processes they start (asked to stop, or killed as a crash would), and find them. */
final class ChildProcesses {

    private ChildProcesses() {}

    /** SIGKILL: no shutdown hook, nothing flushed. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, and SIGKILL if it has not ended within 10 s. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill(process);
        }
    }

    /**
     * How many processes on this machine run {@code program} with exactly these arguments: how a
     * test finds a function's process, whose pid inside its sandbox means nothing outside.
     */
    static long running(String program, String... arguments) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/" + program)).orElse(false))
                .filter(p -> java.util.Arrays.equals(p.info().arguments().orElse(new String[0]), arguments))
                .count();
    }
}
