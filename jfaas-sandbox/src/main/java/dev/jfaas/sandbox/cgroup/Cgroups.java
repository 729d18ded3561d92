package dev.jfaas.sandbox.cgroup;

import dev.jfaas.sandbox.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where replicas' cgroups are made: on cgroup v2 (a unified hierarchy, as on current systemd hosts),
 * on v1 (one hierarchy per controller, as on older or hybrid hosts), or nowhere, when neither can be
 * written; then limits are not enforced and {@link #description()} says why. Each gateway makes its
 * cgroups under a directory of its own, below the cgroup it runs in, so a supervisor's limit on the
 * gateway still covers its functions.
 */
public sealed interface Cgroups extends AutoCloseable permits CgroupV1, CgroupV2, Cgroups.None {

    Logger log = LoggerFactory.getLogger(Cgroups.class);

    /** A cgroup for one replica, with its limits written. */
    ReplicaCgroup create(String replica, Limits limits) throws IOException;

    /** One line for the start-up log and /system/info: what is enforced, or why nothing is. */
    String description();

    boolean enforced();

    /** Removes this gateway's cgroup directory (its replicas' are gone by then). */
    @Override
    void close();

    /**
     * Finds a writable hierarchy; {@code name} names this gateway's directory in it. Directories
     * named {@code stale} (of gateways that died) are removed from it first.
     */
    static Cgroups detect(String name, java.util.List<String> stale) {
        var mounts = readMounts();
        var own = readOwnCgroups();
        var unified = mounts.get("cgroup2");
        if (unified != null && unified.equals(Path.of("/sys/fs/cgroup")) && !mounts.containsKey("memory")) {
            try {
                return CgroupV2.open(unified, own.getOrDefault("", "/"), name, stale);
            } catch (IOException | RuntimeException e) {
                return new None("cgroup v2 at " + unified + " is not writable here (" + e.getMessage()
                        + "): give jfaas a delegated subtree (systemd Delegate=yes) to enforce limits");
            }
        }
        if (mounts.containsKey("memory") && mounts.containsKey("pids")) {
            try {
                return CgroupV1.open(mounts, own, name, stale);
            } catch (IOException | RuntimeException e) {
                return new None("cgroup v1 hierarchies are not writable here (" + e.getMessage() + "): run jfaas as root to enforce limits");
            }
        }
        return new None("no cgroup hierarchy with the memory and pids controllers is mounted");
    }

    /** Mount points by controller (v1) or "cgroup2", from /proc/self/mountinfo. */
    private static Map<String, Path> readMounts() {
        var mounts = new HashMap<String, Path>();
        try {
            for (var line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                int dash = line.indexOf(" - ");
                if (dash < 0) {
                    continue;
                }
                var before = line.substring(0, dash).split(" ");
                var after = line.substring(dash + 3).split(" ");
                if (before.length < 5 || after.length < 3) {
                    continue;
                }
                var mountPoint = Path.of(before[4]);
                if (after[0].equals("cgroup2")) {
                    mounts.putIfAbsent("cgroup2", mountPoint);
                } else if (after[0].equals("cgroup")) {
                    for (var option : after[2].split(",")) {
                        mounts.putIfAbsent(option, mountPoint);
                    }
                }
            }
        } catch (IOException e) {
            log.debug("cannot read mountinfo: {}", e.getMessage());
        }
        return mounts;
    }

    /** This process's cgroup path by controller ("" for v2), from /proc/self/cgroup. */
    private static Map<String, String> readOwnCgroups() {
        var own = new HashMap<String, String>();
        try {
            for (var line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                var parts = line.split(":", 3);
                if (parts.length == 3) {
                    for (var controller : parts[1].split(",")) {
                        own.put(controller, parts[2]);
                    }
                }
            }
        } catch (IOException e) {
            log.debug("cannot read /proc/self/cgroup: {}", e.getMessage());
        }
        return own;
    }

    /** Directories below {@code root} that a cgroup path names (an absolute path, "/" for the root). */
    static Path below(Path root, String cgroupPath) {
        var relative = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    /** Removes a gateway's directory: its replicas' directories, then its own. */
    static void removeTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var children = Files.list(dir)) {
            for (var child : children.filter(Files::isDirectory).toList()) {
                CgroupFiles.killAndRemove(child);
            }
        } catch (IOException e) {
            log.debug("cannot list {}: {}", dir, e.getMessage());
        }
        CgroupFiles.killAndRemove(dir);
    }

    /** No cgroup can be written: nothing is limited, and the reason is kept for the operator. */
    record None(String description) implements Cgroups {

        @Override
        public ReplicaCgroup create(String replica, Limits limits) {
            return ReplicaCgroup.NONE;
        }

        @Override
        public boolean enforced() {
            return false;
        }

        @Override
        public void close() {
            // nothing was made
        }
    }
}
