package dev.jfaas.sandbox;

import dev.jfaas.sandbox.cgroup.ReplicaCgroup;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A replica's running sandbox: the process the gateway started (bwrap, or the program itself),
 * its cgroup, and how to reach what runs inside.
 */
public final class SandboxedProcess {

    private final Process process;
    private final ReplicaCgroup cgroup;
    private final Containment.Contained contained;
    /** Found once: finding the sandbox's first process means reading all of /proc. */
    private volatile Path socket;

    SandboxedProcess(Process process, ReplicaCgroup cgroup, Containment.Contained contained) {
        this.process = process;
        this.cgroup = cgroup;
        this.contained = contained;
    }

    /** Its stdout and stderr are the replica's; its exit is the replica's end. */
    public Process process() {
        return process;
    }

    public ReplicaCgroup cgroup() {
        return cgroup;
    }

    /** The environment the program got; a process forked inside for a call starts from it. */
    public Map<String, String> environment() {
        return contained.env();
    }

    /** The working directory calls run in, as the program sees it. */
    public String workingDirectory() {
        return contained.workingDir();
    }

    /**
     * Where the gateway connects to the spawner (or to an isolated server's relay): inside a
     * sandbox, through the root of its first process ({@code /proc/<pid>/root}), a path short
     * enough for a Unix socket whatever the data directory is called. Empty until that process
     * exists.
     */
    public Optional<Path> spawnerSocket() {
        if (!contained.nested()) {
            return Optional.of(contained.hostSocket());
        }
        var found = socket;
        if (found == null) {
            found = process.toHandle().children().findFirst()
                    .map(init -> Path.of("/proc", Long.toString(init.pid()), "root").resolve(contained.socket().substring(1)))
                    .orElse(null);
            socket = found;
        }
        return Optional.ofNullable(found);
    }

    /** Asks the program to stop (SIGTERM to the program itself, not to bwrap, which would not pass it on). */
    public void terminate() {
        program().ifPresent(ProcessHandle::destroy);
    }

    private Optional<ProcessHandle> program() {
        if (!contained.nested()) {
            return Optional.of(process.toHandle());
        }
        return process.toHandle().children().findFirst().flatMap(init -> init.children().findFirst());
    }

    /**
     * Kills the whole replica at once: the started process and everything below it, then whatever
     * is still in its cgroup (a process that left the tree), and removes the cgroup.
     */
    public void kill() {
        var below = process.toHandle().descendants().toList();
        process.destroyForcibly();
        below.forEach(ProcessHandle::destroyForcibly);
        process.onExit().join();
        cgroup.remove();
        if (contained.scratch() != null) {
            RuntimeDirectory.deleteTree(contained.scratch());
        }
        if (contained.hostSocket() != null) {
            RuntimeDirectory.deleteTree(contained.hostSocket());
        }
    }
}
