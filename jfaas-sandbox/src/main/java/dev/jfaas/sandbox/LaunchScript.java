package dev.jfaas.sandbox;

import dev.jfaas.sandbox.cgroup.ReplicaCgroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a replica into its cgroup before it runs anything: a shell writes its own pid into each
 * cgroup.procs and then becomes the replica's program (exec keeps the pid). Joining afterwards,
 * from the gateway, would race with a program that forks at once.
 */
final class LaunchScript {

    private static final String SCRIPT =
            "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"";

    private LaunchScript() {}

    static List<String> inCgroup(ReplicaCgroup cgroup, List<String> command) {
        var files = cgroup.procsFiles();
        if (files.isEmpty()) {
            return command;
        }
        var argv = new ArrayList<String>(List.of("/bin/sh", "-c", SCRIPT, "jfaas-launch"));
        files.forEach(f -> argv.add(f.toString()));
        argv.add("--");
        argv.addAll(command);
        return argv;
    }
}
