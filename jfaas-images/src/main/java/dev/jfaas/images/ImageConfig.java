package dev.jfaas.images;

import java.util.List;
import java.util.Map;

/**
 * What an image's config says about running it (the OCI image config's {@code config}): its
 * entrypoint and command, environment, working directory and user.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, Map<String, String> env, String workingDir, String user) {

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = Map.copyOf(env);
    }

    /** The command the image runs: entrypoint then cmd, as a container runtime joins them. */
    public List<String> command() {
        var all = new java.util.ArrayList<>(entrypoint);
        all.addAll(cmd);
        return List.copyOf(all);
    }

    /**
     * Whether the image runs an OpenFaaS watchdog (the classic {@code fwatchdog} or the of-watchdog):
     * then it is an HTTP server on port 8080 that runs {@code fprocess} itself.
     */
    public boolean runsWatchdog() {
        var command = command();
        if (command.isEmpty()) {
            return false;
        }
        var program = command.getFirst();
        var name = program.substring(program.lastIndexOf('/') + 1);
        return name.equals("fwatchdog") || name.equals("of-watchdog") || name.equals("watchdog");
    }
}
