package dev.jfaas.sandbox;

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
     *
     */
    Path onHost(String inside, View view);

    /** @param env the launch's environment with PATH; the containment adds HOME and secret_mount_path */
    Contained contain(FunctionSpace space, Launch launch, Path spawner, Map<String, String> env, SandboxSettings settings);

    /**
     * A program ready to start.
     *
     * @param nested      the program runs two levels below the started process (bwrap, its init,
     *                    then the program), in the root of the process one level below
     * @param socket      where the spawner listens, as the spawner sees it
     * @param hostSocket  the same socket from outside, or null when only the sandbox's root knows it
     * @param scratch     a directory to delete when the replica ends, or null
     * @param workingDir  where the program and each call start, as they see it
     */
    record Contained(List<String> argv, Map<String, String> env, Path cwd, boolean nested, String socket, Path hostSocket,
            Path scratch, String workingDir) {}
}
