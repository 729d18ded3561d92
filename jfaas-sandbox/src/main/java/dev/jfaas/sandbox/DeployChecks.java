package dev.jfaas.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * What the host must hold for a function before it runs, checked at deploy so that a mistake is a
 * 400 naming it, not a replica that never starts: a directory its user can reach, a program it
 * can run where its sandbox will look.
 */
final class DeployChecks {

    private final Containment containment;
    private final FunctionUsers users;

    DeployChecks(Containment containment, FunctionUsers users) {
        this.containment = containment;
        this.users = users;
    }

    /**
     * Checks that a function's user can use a directory of the host mounted as its own: readable
     * and searchable by it. Its parents do not matter: the launcher opens the directory as the
     * gateway's user and hands it to the sandbox (a function directory under /root works).
     *
     * @throws IllegalArgumentException saying what is in the way and how to open it
     */
    void reachable(Path dir) {
        if (!(containment instanceof Bubblewrap) || !users.perFunction()) {
            return;
        }
        try {
            var self = Files.getPosixFilePermissions(dir);
            if (!self.contains(PosixFilePermission.OTHERS_READ) || !self.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw unreachable(dir, dir, self, "o+rx");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the permissions of " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Checks that the function's program exists where its sandbox will look for it: a name on the
     * PATH, a path relative to /home/app (its working directory), or an absolute path in its view.
     *
     * @param path   the PATH the function will have (its own, or the standard one)
     * @throws IllegalArgumentException naming the program and where it was looked for
     */
    void program(String program, View view, String path) {
        var searchPath = path == null || path.isBlank() ? Sandbox.PATH : path;
        String home = switch (view) {
            case View.Image image -> image.workingDir().isEmpty() ? "/" : image.workingDir();
            case View.Host host -> containment instanceof Bubblewrap ? Bubblewrap.APP
                    : host.appDir() == null ? null : host.appDir().toString();
        };
        List<String> candidates;
        String where;
        if (program.startsWith("/")) {
            candidates = List.of(program);
            where = "in the function's root";
        } else if (program.contains("/")) {
            candidates = home == null ? List.of() : List.of(home + "/" + program);
            where = "in its directory " + (home == null ? "(it has none)" : home);
        } else {
            candidates = java.util.Arrays.stream(searchPath.split(":")).filter(d -> !d.isEmpty()).map(d -> d + "/" + program).toList();
            where = "on its PATH " + searchPath;
        }
        for (var candidate : candidates) {
            var onHost = containment.onHost(candidate, view);
            if (onHost != null && runnable(onHost)) {
                return;
            }
        }
        throw new IllegalArgumentException("fprocess program \"" + program + "\" not found " + where
                + (view instanceof View.Image ? " in its image" : containment instanceof Bubblewrap
                        ? " (the function sees the host's /usr and its own /home/app)" : ""));
    }

    /** A regular file the function's user may execute. */
    private boolean runnable(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return false;
            }
            var mode = Files.getPosixFilePermissions(file);
            boolean others = mode.contains(PosixFilePermission.OTHERS_EXECUTE);
            return containment instanceof Bubblewrap && users.perFunction() ? others
                    : others || mode.contains(PosixFilePermission.OWNER_EXECUTE) || mode.contains(PosixFilePermission.GROUP_EXECUTE);
        } catch (IOException e) {
            return false;
        }
    }

    private static IllegalArgumentException unreachable(Path dir, Path blocking, java.util.Set<PosixFilePermission> mode, String fix) {
        return new IllegalArgumentException("function directory " + dir + " is out of reach of function users: " + blocking
                + " is " + PosixFilePermissions.toString(mode) + " (functions run as unprivileged users; chmod " + fix
                + " " + blocking + ")");
    }

}
