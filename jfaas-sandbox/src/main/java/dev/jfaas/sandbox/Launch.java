package dev.jfaas.sandbox;

import java.nio.file.Path;
import java.util.Map;

/**
 * One replica's start: what runs, with which environment (the function's own variables; the
 * sandbox adds PATH, HOME and secret_mount_path), in which directory and within which limits.
 *
 * @param instance the replica's name, unique in the gateway (names its cgroup)
 * @param appDir   the function's directory, seen at /home/app; null for an empty one of its own
 * @param readOnly the deployment's readOnlyRootFilesystem: /home/app read-only, /tmp still writable
 */
public record Launch(String instance, Program program, Map<String, String> env, Path appDir, boolean readOnly, Limits limits) {

    public Launch {
        env = Map.copyOf(env);
    }
}
