package dev.jfaas.sandbox.cgroup;

import java.nio.file.Path;
import java.util.List;

/** The cgroup (one per controller hierarchy on v1) a replica's processes run in. */
public interface ReplicaCgroup {

    /** The {@code cgroup.procs} files a process writes its pid to, before it runs anything, to join. */
    List<Path> procsFiles();

    /** CPU time used so far and memory in use now (the working set, as Kubernetes counts it). */
    Usage usage();

    /** How many times the kernel killed a process here for going over the memory limit. */
    long oomKills();

    /** Kills whatever is left inside and removes the cgroup. */
    void remove();

    /** @param cpuNanos CPU time since the cgroup was made; @param memoryBytes memory in use */
    record Usage(long cpuNanos, long memoryBytes) {
        public static final Usage NONE = new Usage(0, 0);
    }

    /** Where nothing is limited or measured. */
    ReplicaCgroup NONE = new ReplicaCgroup() {
        @Override
        public List<Path> procsFiles() {
            return List.of();
        }

        @Override
        public Usage usage() {
            return Usage.NONE;
        }

        @Override
        public long oomKills() {
            return 0;
        }

        @Override
        public void remove() {
            // nothing was made
        }
    };
}
