package dev.jfaas.sandbox;

import dev.jfaas.sandbox.network.ReplicaNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Contains a replica with bubblewrap: new user, pid, ipc and uts namespaces (the network namespace
 * is jfaas-launch's, or bwrap's own with loopback only), a root of its own that holds the host's
 * /usr read-only, a few files of /etc, fresh /proc and /dev, a size-capped /tmp and /dev/shm, the
 * function's directory at /home/app and its secrets at /var/openfaas/secrets; nothing else of the
 * host. As root, jfaas-launch becomes the function's own uid with every capability gone before it
 * execs bwrap, so the sandbox is made by an unprivileged user (bwrap started as root would keep its
 * capabilities). Every program inside starts through the spawner, under its seccomp filter.
 */
final class Bubblewrap implements Containment {

    static final String APP = "/home/app";
    static final String SECRETS = "/var/openfaas/secrets";
    static final String SPAWNER_DIR = "/run/jfaas";
    static final String SPAWNER = SPAWNER_DIR + "/jfaas-spawner";

    /** What programs commonly need of /etc: the loader cache, TLS roots, name resolution, time zone. */
    private static final List<String> ETC = List.of("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives",
            "ssl", "ca-certificates", "ca-certificates.conf", "resolv.conf", "hosts", "host.conf", "nsswitch.conf",
            "gai.conf", "localtime", "timezone", "mime.types", "protocols", "services", "os-release");
    /** Top-level directories that are symlinks into /usr on a merged-/usr system, or directories of their own. */
    private static final List<String> USR_LINKS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

    private final String bwrap;
    private final boolean switchUser;
    /** Where the launcher mounts a function's directory for the sandbox to take it from. */
    private final Path appStaging;

    private Bubblewrap(String bwrap, boolean switchUser, Path appStaging) {
        this.bwrap = bwrap;
        this.switchUser = switchUser;
        this.appStaging = appStaging;
    }

    /** Whether the launcher mounts the function's directory first (only as root, for a user of its own). */
    private boolean staged(View view) {
        return switchUser && view instanceof View.Host host && host.appDir() != null;
    }

    /**
     * Starts a program whose binary was just written. A process another thread forks while the file
     * is open for writing holds it open until it execs, and an exec meanwhile fails with ETXTBSY
     * ("Text file busy"): gateways started side by side in one JVM met it. Tried again shortly.
     */
    private static Process startJustInstalled(ProcessBuilder builder) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return builder.start();
            } catch (IOException e) {
                if (attempt == 50 || !String.valueOf(e.getMessage()).contains("Text file busy")) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /** Finds bwrap and proves it can build a sandbox here, as the user functions will run as. */
    static Bubblewrap check(SandboxSettings settings, FunctionUsers users, Path launcher, Path appStaging) {
        var bwrap = settings.executable("bwrap");
        if (bwrap == null) {
            throw new IllegalStateException("JFAAS_SANDBOX=bwrap but bubblewrap is not installed: install it "
                    + "(apt-get install bubblewrap) or set JFAAS_SANDBOX=none to run functions uncontained");
        }
        boolean switchUser = users.perFunction();
        var sandbox = new Bubblewrap(bwrap, switchUser, appStaging);
        var probe = new ArrayList<String>(List.of(launcher.toString()));
        if (switchUser) {
            probe.addAll(List.of("--user", Integer.toString(users.probeUid())));
        }
        probe.add("--");
        probe.addAll(sandbox.namespaces(true));
        probe.addAll(sandbox.view(null, null, settings, false));
        probe.add("/bin/true");
        try {
            var process = startJustInstalled(new ProcessBuilder(probe).redirectErrorStream(true));
            var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("bubblewrap cannot make a sandbox here (" + output + "); the kernel must "
                        + "allow unprivileged user namespaces (sysctl user.max_user_namespaces > 0), or set JFAAS_SANDBOX=none");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + bwrap + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying bubblewrap", e);
        }
        return sandbox;
    }

    @Override
    public String name() {
        return "bwrap";
    }

    @Override
    public Path onHost(String inside, View view) {
        if (view instanceof View.Image image) {
            return ImageRoots.resolve(image.rootfs(), inside);
        }
        var appDir = ((View.Host) view).appDir();
        if (inside.equals(APP) || inside.startsWith(APP + "/")) {
            return appDir == null ? null : appDir.resolve(inside.substring(APP.length()).replaceFirst("^/", ""));
        }
        for (var top : List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
            if (inside.equals("/" + top) || inside.startsWith("/" + top + "/")) {
                return Path.of(inside);
            }
        }
        return null; // /tmp, /run and the rest are the sandbox's own, empty until it runs
    }

    @Override
    public Contained contain(FunctionSpace space, Launch launch, ReplicaNetwork network, Path spawner, Map<String, String> env,
            SandboxSettings settings) {
        var argv = new ArrayList<>(namespaces(network instanceof ReplicaNetwork.Loopback));
        var home = APP;
        switch (launch.view()) {
            case View.Host host -> argv.addAll(view(space, host, settings, true));
            case View.Image image -> {
                argv.addAll(imageView(space, image, settings));
                home = image.workingDir().isEmpty() ? "/" : image.workingDir();
            }
        }
        argv.addAll(List.of("--size", "65536", "--tmpfs", SPAWNER_DIR, "--ro-bind", spawner.toString(), SPAWNER));
        if (launch.view() instanceof View.Host) {
            argv.add("--remount-ro");
            argv.add("/");
        }
        argv.add("--");
        argv.add(SPAWNER);
        if (launch.held()) {
            argv.add("--held");
        }
        switch (launch.program()) {
            case Program.Spawner s -> argv.add("--calls");
            case Program.Server server when network instanceof ReplicaNetwork.Loopback -> {
                argv.addAll(List.of("--relay", Integer.toString(server.port()), "--"));
                argv.addAll(server.argv());
            }
            case Program.Server server -> {
                argv.addAll(List.of("--exec", "--"));
                argv.addAll(server.argv());
            }
            case Program.Command command -> {
                argv.addAll(List.of("--exec", "--"));
                argv.addAll(command.argv());
            }
        }
        var full = new HashMap<>(env);
        full.putIfAbsent("HOME", home);
        full.put("secret_mount_path", SECRETS);
        var staged = staged(launch.view());
        return new Contained(argv, full, Path.of("/"), true, switchUser ? space.uid() : -1, null, home,
                staged ? ((View.Host) launch.view()).appDir() : null, staged ? appStaging : null);
    }

    /** bwrap and its namespaces, with no capability even inside them. */
    private List<String> namespaces(boolean ownLoopback) {
        var argv = new ArrayList<>(List.of(bwrap, "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL"));
        if (ownLoopback) {
            argv.add("--unshare-net");
        }
        return argv;
    }

    /**
     * An image's root, read-only as it is (its unpacking made the mount points), with fresh /proc,
     * /dev and /tmp, the host's name resolution, the function's secrets and, for forking modes,
     * the spawner; as the image's user inside.
     */
    private List<String> imageView(FunctionSpace space, View.Image image, SandboxSettings settings) {
        var argv = new ArrayList<>(List.of("--uid", Integer.toString(image.uid()), "--gid", Integer.toString(image.gid()),
                "--ro-bind", image.rootfs().toString(), "/", "--proc", "/proc", "--dev", "/dev",
                "--perms", "1777", "--size", Long.toString(settings.shmBytes()), "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
                "--size", Long.toString(settings.tmpBytes()), "--tmpfs", "/tmp",
                "--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf", "--ro-bind-try", "/etc/hosts", "/etc/hosts",
                "--ro-bind", space.secretsDir().toString(), SECRETS));
        argv.addAll(List.of("--chdir", image.workingDir().isEmpty() ? "/" : image.workingDir()));
        return argv;
    }

    /** The mounts: a root made of the host's /usr and the function's own parts. */
    private List<String> view(FunctionSpace space, View.Host launch, SandboxSettings settings, boolean etcFiles) {
        var argv = new ArrayList<String>(List.of("--ro-bind", "/usr", "/usr"));
        for (var top : USR_LINKS) {
            var host = Path.of("/", top);
            if (Files.isSymbolicLink(host)) {
                try {
                    argv.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), host.toString()));
                } catch (IOException e) {
                    // unreadable link: the function does without it
                }
            } else if (Files.isDirectory(host)) {
                argv.addAll(List.of("--ro-bind", host.toString(), host.toString()));
            }
        }
        if (etcFiles) {
            for (var name : ETC) {
                argv.addAll(List.of("--ro-bind-try", "/etc/" + name, "/etc/" + name));
            }
        }
        argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", Long.toString(settings.shmBytes()),
                "--tmpfs", "/dev/shm", "--remount-ro", "/dev", "--size", Long.toString(settings.tmpBytes()), "--tmpfs", "/tmp"));
        if (space != null) {
            argv.addAll(List.of("--ro-bind", space.etc("passwd").toString(), "/etc/passwd",
                    "--ro-bind", space.etc("group").toString(), "/etc/group",
                    "--ro-bind", space.secretsDir().toString(), SECRETS));
        }
        if (launch != null) {
            if (launch.appDir() != null) {
                // with a user of its own, the launcher has mounted it on the staging directory (as the
                // gateway's user, so the directory's parents may be closed to functions)
                var source = staged(launch) ? appStaging : launch.appDir();
                argv.addAll(List.of(launch.readOnly() ? "--ro-bind" : "--bind", source.toString(), APP));
            } else {
                argv.addAll(List.of("--size", Long.toString(settings.tmpBytes()), "--tmpfs", APP));
                if (launch.readOnly()) {
                    argv.addAll(List.of("--remount-ro", APP));
                }
            }
            argv.addAll(List.of("--chdir", APP));
        }
        return argv;
    }
}
