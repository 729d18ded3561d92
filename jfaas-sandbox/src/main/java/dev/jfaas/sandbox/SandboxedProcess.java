package dev.jfaas.sandbox;

import dev.jfaas.sandbox.cgroup.ReplicaCgroup;
import dev.jfaas.sandbox.network.ReplicaNetwork;
import dev.jfaas.sandbox.spawner.SpawnerCall;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A replica's running sandbox: the process the gateway started (the launcher, which became bwrap,
 * or the program itself), its cgroup, its network, and how to reach what runs inside: the control
 * socket jfaas-launch bound in a directory of the gateway's alone (the spawner, or the relay to a
 * server with loopback only), or the replica's own address.
 */
public final class SandboxedProcess {

    private final Process process;
    private final ReplicaCgroup cgroup;
    private final Containment.Contained contained;
    private final Path controlSocket;
    private final ReplicaNetwork network;
    private final UserPrincipal peer;
    private final Runnable release;
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * Whether the spawner has shown to be the function's user. Once is enough: only the gateway
     * can replace what its path names, and looking a uid up (the JDK names the peer's user) costs
     * a tenth of a millisecond where the host has no passwd entry for it.
     */
    private volatile boolean peerChecked;

    SandboxedProcess(Process process, ReplicaCgroup cgroup, Containment.Contained contained, Path controlSocket,
            ReplicaNetwork network, UserPrincipal peer, Runnable release) {
        this.process = process;
        this.cgroup = cgroup;
        this.contained = contained;
        this.controlSocket = controlSocket;
        this.network = network;
        this.peer = peer;
        this.release = release;
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

    public ReplicaNetwork network() {
        return network;
    }

    /**
     * Where the gateway reaches a server in this replica over TCP: its own address on its link, or
     * the host's loopback when it shares the host's network; empty when only its control socket
     * (a relay) reaches it.
     */
    public Optional<String> address() {
        return switch (network) {
            case ReplicaNetwork.Link link -> Optional.of(link.address());
            case ReplicaNetwork.Host host -> Optional.of("127.0.0.1");
            case ReplicaNetwork.Loopback loopback -> Optional.empty();
        };
    }

    /** The control socket on the host (the spawner's, or a relay's), or empty when the replica has none. */
    public Optional<Path> controlSocket() {
        return Optional.ofNullable(controlSocket);
    }

    /** Whether the spawner (or relay) listens on the control socket yet. */
    public boolean listening() {
        return controlSocket != null && SpawnerCall.listening(controlSocket);
    }

    /**
     * Starts a call through the spawner, the first after checking that what answers is the
     * function's own user (SO_PEERCRED); {@code wholeStdin} null means stdin follows through the
     * call's stream.
     */
    public SpawnerCall call(List<String> argv, Map<String, String> env, byte[] wholeStdin) throws IOException {
        if (controlSocket == null) {
            throw new IOException("this replica runs no spawner");
        }
        var call = SpawnerCall.start(controlSocket, peerChecked ? null : peer, argv, env, contained.workingDir(), wholeStdin);
        peerChecked = true;
        return call;
    }

    /**
     * Lets the program of a sandbox made ahead ({@link Launch#held}) start: its spawner reads the
     * word on stdin, which then closes (the program finds it at its end, as every replica's).
     *
     * @throws IOException when the sandbox has gone meanwhile
     */
    public void go() throws IOException {
        try (var stdin = process.getOutputStream()) {
            stdin.write('g');
        }
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
     * is still in its cgroup (a process that left the tree), and removes the cgroup; its link goes
     * with its network namespace.
     */
    public void kill() {
        var below = process.toHandle().descendants().toList();
        process.destroyForcibly();
        below.forEach(ProcessHandle::destroyForcibly);
        process.onExit().join();
        if (released.compareAndSet(false, true)) {
            release.run();
        }
        if (contained.scratch() != null) {
            RuntimeDirectory.deleteTree(contained.scratch());
        }
        if (controlSocket != null) {
            RuntimeDirectory.deleteTree(controlSocket);
        }
    }
}
