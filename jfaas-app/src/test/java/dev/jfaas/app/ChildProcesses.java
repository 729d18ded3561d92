package dev.jfaas.app;

import java.util.concurrent.TimeUnit;

/** How tests end the processes they start: asked to stop, or killed as a crash would. */
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
}
