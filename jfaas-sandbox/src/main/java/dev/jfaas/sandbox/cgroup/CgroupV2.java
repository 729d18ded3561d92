package dev.jfaas.sandbox.cgroup;

import dev.jfaas.sandbox.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * cgroup v2: one unified hierarchy. Controllers can only be handed down from a cgroup that holds no
 * processes itself, so when the gateway's own cgroup does (a systemd service with Delegate=yes),
 * the gateway first moves itself into a leaf of its own, {@code gateway}, beside its functions.
 */
final class CgroupV2 implements Cgroups {

    private static final long CPU_PERIOD_MICROS = 100_000;

    private final Path base;
    private final boolean cpu;

    private CgroupV2(Path base, boolean cpu) {
        this.base = base;
        this.cpu = cpu;
    }

    static CgroupV2 open(Path mount, String ownPath, String name, List<String> stale) throws IOException {
        var own = Cgroups.below(mount, ownPath);
        var available = List.of(Files.readString(own.resolve("cgroup.controllers")).strip().split(" "));
        if (!available.contains("memory") || !available.contains("pids")) {
            throw new IOException("the memory and pids controllers are not delegated to " + own);
        }
        boolean cpu = available.contains("cpu");
        var wanted = cpu ? "+memory +pids +cpu" : "+memory +pids";
        try {
            CgroupFiles.write(own.resolve("cgroup.subtree_control"), wanted);
        } catch (IOException busy) {
            var leaf = own.resolve("gateway");
            Files.createDirectories(leaf);
            CgroupFiles.write(leaf.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
            CgroupFiles.write(own.resolve("cgroup.subtree_control"), wanted);
        }
        for (var old : stale) {
            Cgroups.removeTree(own.resolve(old));
        }
        var base = own.resolve(name);
        Files.createDirectories(base);
        CgroupFiles.write(base.resolve("cgroup.subtree_control"), wanted);
        return new CgroupV2(base, cpu);
    }

    @Override
    public ReplicaCgroup create(String replica, Limits limits) throws IOException {
        var dir = base.resolve(replica);
        Files.createDirectories(dir);
        var made = new Replica(dir);
        try {
            if (limits.memoryBytes() > 0) {
                CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
                var swap = dir.resolve("memory.swap.max");
                if (Files.exists(swap)) {
                    CgroupFiles.write(swap, "0");
                }
            }
            CgroupFiles.write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
            if (cpu && limits.cpuMillis() > 0) {
                CgroupFiles.write(dir.resolve("cpu.max"), limits.cpuMillis() * CPU_PERIOD_MICROS / 1000 + " " + CPU_PERIOD_MICROS);
            }
            return made;
        } catch (IOException e) {
            made.remove();
            throw e;
        }
    }

    @Override
    public String description() {
        return "cgroup v2: memory, pids" + (cpu ? ", cpu" : "") + " limits under " + base;
    }

    @Override
    public boolean enforced() {
        return true;
    }

    @Override
    public void close() {
        Cgroups.removeTree(base);
    }

    private record Replica(Path dir) implements ReplicaCgroup {

        @Override
        public List<Path> procsFiles() {
            return List.of(dir.resolve("cgroup.procs"));
        }

        @Override
        public Usage usage() {
            long cpuMicros = CgroupFiles.readKey(dir.resolve("cpu.stat"), "usage_usec").orElse(0L);
            long used = CgroupFiles.readLong(dir.resolve("memory.current"));
            long inactive = CgroupFiles.readKey(dir.resolve("memory.stat"), "inactive_file").orElse(0L);
            return new Usage(cpuMicros * 1000, Math.max(0, used - inactive));
        }

        @Override
        public long oomKills() {
            return CgroupFiles.readKey(dir.resolve("memory.events"), "oom_kill").orElse(0L);
        }

        @Override
        public void remove() {
            var kill = dir.resolve("cgroup.kill");
            if (Files.exists(kill)) {
                try {
                    CgroupFiles.write(kill, "1");
                } catch (IOException e) {
                    // killAndRemove below kills them one by one
                }
            }
            CgroupFiles.killAndRemove(dir);
        }
    }
}
