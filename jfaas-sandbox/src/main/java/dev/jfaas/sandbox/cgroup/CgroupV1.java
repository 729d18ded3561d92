package dev.jfaas.sandbox.cgroup;

import dev.jfaas.sandbox.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * cgroup v1: one hierarchy per controller. A replica gets a directory in the memory, pids, cpu and
 * cpuacct hierarchies (one where cpu and cpuacct are mounted together), and joins all of them.
 */
final class CgroupV1 implements Cgroups {

    private static final long CPU_PERIOD_MICROS = 100_000;

    private final Path memory;
    private final Path pids;
    private final Path cpu;
    private final Path cpuacct;

    private CgroupV1(Path memory, Path pids, Path cpu, Path cpuacct) {
        this.memory = memory;
        this.pids = pids;
        this.cpu = cpu;
        this.cpuacct = cpuacct;
    }

    static CgroupV1 open(Map<String, Path> mounts, Map<String, String> own, String name, List<String> stale) throws IOException {
        var memory = base(mounts, own, "memory", name);
        var pids = base(mounts, own, "pids", name);
        var cpu = mounts.containsKey("cpu") ? base(mounts, own, "cpu", name) : null;
        var cpuacct = mounts.containsKey("cpuacct") ? base(mounts, own, "cpuacct", name) : null;
        var v1 = new CgroupV1(memory, pids, cpu, cpuacct);
        for (var dir : v1.bases()) {
            for (var old : stale) {
                Cgroups.removeTree(dir.resolveSibling(old));
            }
            Files.createDirectories(dir);
        }
        return v1;
    }

    private static Path base(Map<String, Path> mounts, Map<String, String> own, String controller, String name) {
        return Cgroups.below(mounts.get(controller), own.getOrDefault(controller, "/")).resolve(name);
    }

    private List<Path> bases() {
        var dirs = new LinkedHashSet<Path>();
        dirs.add(memory);
        dirs.add(pids);
        if (cpu != null) {
            dirs.add(cpu);
        }
        if (cpuacct != null) {
            dirs.add(cpuacct);
        }
        return List.copyOf(dirs);
    }

    @Override
    public ReplicaCgroup create(String replica, Limits limits) throws IOException {
        var dirs = new ArrayList<Path>();
        for (var base : bases()) {
            dirs.add(base.resolve(replica));
        }
        for (var dir : dirs) {
            Files.createDirectories(dir);
        }
        var made = new Replica(dirs, memory.resolve(replica), cpuacct == null ? null : cpuacct.resolve(replica));
        try {
            var mem = memory.resolve(replica);
            if (limits.memoryBytes() > 0) {
                CgroupFiles.write(mem.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
                var withSwap = mem.resolve("memory.memsw.limit_in_bytes");
                if (Files.exists(withSwap)) {
                    CgroupFiles.write(withSwap, Long.toString(limits.memoryBytes())); // no escape into swap
                }
                // v1 charges socket buffers to no limit unless one is set (v2 counts them in
                // memory.max): a replica filling unread TCP connections held gigabytes of the host's.
                var tcp = mem.resolve("memory.kmem.tcp.limit_in_bytes");
                if (Files.exists(tcp)) {
                    CgroupFiles.write(tcp, Long.toString(Math.max(16L << 20, limits.memoryBytes() / 4)));
                }
            }
            CgroupFiles.write(pids.resolve(replica).resolve("pids.max"), Integer.toString(limits.pids()));
            if (cpu != null && limits.cpuMillis() > 0) {
                var dir = cpu.resolve(replica);
                CgroupFiles.write(dir.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
                CgroupFiles.write(dir.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuMillis() * CPU_PERIOD_MICROS / 1000));
            }
            return made;
        } catch (IOException e) {
            made.remove();
            throw e;
        }
    }

    @Override
    public String description() {
        return "cgroup v1: memory, pids" + (cpu != null ? ", cpu" : "") + " limits, replicas under " + memory + " (and the same in the other hierarchies)";
    }

    @Override
    public boolean enforced() {
        return true;
    }

    @Override
    public void close() {
        for (var dir : bases()) {
            Cgroups.removeTree(dir);
        }
    }

    private record Replica(List<Path> dirs, Path memory, Path cpuacct) implements ReplicaCgroup {

        @Override
        public List<Path> procsFiles() {
            return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
        }

        @Override
        public Usage usage() {
            long cpuNanos = cpuacct == null ? 0 : CgroupFiles.readLong(cpuacct.resolve("cpuacct.usage"));
            long used = CgroupFiles.readLong(memory.resolve("memory.usage_in_bytes"));
            long inactive = CgroupFiles.readKey(memory.resolve("memory.stat"), "total_inactive_file").orElse(0L);
            return new Usage(cpuNanos, Math.max(0, used - inactive));
        }

        @Override
        public long oomKills() {
            return CgroupFiles.readKey(memory.resolve("memory.oom_control"), "oom_kill").orElse(0L);
        }

        @Override
        public void remove() {
            for (var dir : dirs) {
                CgroupFiles.killAndRemove(dir);
            }
        }
    }
}
