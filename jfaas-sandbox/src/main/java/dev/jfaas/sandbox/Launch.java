package dev.jfaas.sandbox;

import dev.jfaas.sandbox.network.NetworkMode;
import java.nio.file.Path;
import java.util.Map;

/**
 * One replica's start: what runs, with which environment (the function's own variables; the
 * sandbox adds PATH when absent, HOME and secret_mount_path), in which view, within which limits
 * and with which network.
 *
 * @param instance the replica's name, unique in the gateway (names its cgroup)
 * @param held whether the program waits, the sandbox made around it, until {@link SandboxedProcess#go} (a
 *     sandbox made ahead for a function at zero)
 */
public record Launch(String instance, Program program, Map<String, String> env, View view, Limits limits, NetworkMode network,
        boolean held) {

    public Launch {
        env = Map.copyOf(env);
    }

    public Launch(String instance, Program program, Map<String, String> env, View view, Limits limits, NetworkMode network) {
        this(instance, program, env, view, limits, network, false);
    }

    /** On the host's root, with the function's directory (null for an empty one) at /home/app. */
    public Launch(String instance, Program program, Map<String, String> env, Path appDir, boolean readOnly, Limits limits) {
        this(instance, program, env, new View.Host(appDir, readOnly), limits, NetworkMode.EGRESS);
    }

    /** The same start, its program held until {@link SandboxedProcess#go}. */
    public Launch toHold() {
        return new Launch(instance, program, env, view, limits, network, true);
    }
}
