package dev.jfaas.sandbox;

import dev.jfaas.sandbox.network.ReplicaNetwork;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** How a replica's program is wrapped: what to start, with which environment, where. */
sealed interface Containment permits Bubblewrap, Unsandboxed {

    /** "bwrap" or "none". */
    String name();

    /**
     * Where a path of the function's root is on the host before it starts (its directory, or what
     * it sees of the host), or null when nothing there exists until it runs.
     */
    Path onHost(String inside, View view);

    /**
     * @param network what the launcher has made (or the containment must make) for the replica
     * @param env     the launch's environment with PATH; the containment adds HOME and secret_mount_path
     */
    Contained contain(FunctionSpace space, Launch launch, ReplicaNetwork network, Path spawner, Map<String, String> env,
            SandboxSettings settings);

    /**
     * A program ready to start (after the launcher).
     *
     * @param nested      the program runs two levels below the started process (bwrap, its init,
     *                    then the program)
     * @param user        the uid the launcher becomes before it starts the program, or -1 to stay
     * @param scratch     a directory to delete when the replica ends, or null
     * @param workingDir  where the program and each call start, as they see it
     * @param appDir      the function's host directory, which the launcher mounts (as the gateway's
     *                    user, in a mount namespace of the replica's) on {@code appStaging}, where the
     *                    sandbox takes it from; both null when the sandbox binds the directory itself
     */
    record Contained(List<String> argv, Map<String, String> env, Path cwd, boolean nested, int user, Path scratch,
            String workingDir, Path appDir, Path appStaging) {}
}
