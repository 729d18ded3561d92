package dev.jfaas.sandbox;

import dev.jfaas.sandbox.cgroup.ReplicaCgroup;
import dev.jfaas.sandbox.network.ReplicaNetwork;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of jfaas-launch (src/main/c), which prepares a replica on the host before
 * anything of it runs: joins its cgroups (so nothing it forks escapes the limits), binds its
 * control socket where only the gateway reaches it, makes its network namespace and link, mounts the
 * function's directory where the sandbox takes it from (so its parents need not be open to the
 * function's user), becomes
 * the function's user, then execs the sandbox.
 */
final class LaunchCommand {

    private LaunchCommand() {}

    /**
     * @param serverPort the port a server listens on in the replica's network: connections to the
     *                   replica's address there go on to its loopback, where the watchdog's contract
     *                   lets a server bind; 0 for none
     * @param sandboxed  the program is bwrap, which then takes its options through a descriptor:
     *                   they name the host's paths, and its command line is the sandbox's pid 1's
     */
    static List<String> of(Path launcher, ReplicaCgroup cgroup, Path controlSocket, ReplicaNetwork network, int serverPort,
            Path appDir, Path appStaging, int user, boolean sandboxed, List<String> program) {
        var argv = new ArrayList<String>();
        argv.add(launcher.toString());
        for (var procs : cgroup.procsFiles()) {
            argv.add("--cgroup");
            argv.add(procs.toString());
        }
        if (controlSocket != null) {
            argv.add("--listen");
            argv.add(controlSocket.toString());
        }
        if (network instanceof ReplicaNetwork.Link link) {
            argv.addAll(List.of("--net", link.hostInterface(), link.hostAddress(), link.address(), Integer.toString(link.prefix())));
            if (link.egress()) {
                argv.add("--egress");
            }
            if (serverPort > 0) {
                argv.add("--loopback-port");
                argv.add(Integer.toString(serverPort));
            }
        }
        if (appDir != null) {
            argv.addAll(List.of("--app-dir", appDir.toString(), appStaging.toString()));
        }
        if (user >= 0) {
            argv.add("--user");
            argv.add(Integer.toString(user));
        }
        if (sandboxed) {
            argv.add("--args-fd");
        }
        argv.add("--");
        argv.addAll(program);
        return argv;
    }
}
