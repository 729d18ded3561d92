package dev.jfaas.sandbox;

import dev.jfaas.sandbox.cgroup.Cgroups;
import dev.jfaas.sandbox.spawner.SpawnerBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where replicas run. Each replica gets a cgroup of its own with its limits (where the host lets
 * cgroups be written) and is contained as the settings say: by {@link Bubblewrap}, in a view of its
 * own as an unprivileged user with no capabilities, or not at all ({@link Unsandboxed}).
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

    /** The PATH a function gets, as in the OpenFaaS images. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final SandboxSettings settings;
    private final RuntimeDirectory runtime;
    private final Cgroups cgroups;
    private final FunctionUsers users;
    private final Containment containment;
    private final Path spawner;
    private final AtomicLong spaces = new AtomicLong();

    private Sandbox(SandboxSettings settings, RuntimeDirectory runtime, Cgroups cgroups, FunctionUsers users,
            Containment containment, Path spawner) {
        this.settings = settings;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.users = users;
        this.containment = containment;
        this.spawner = spawner;
    }

    /** Opens the sandbox the settings ask for; fails with a clear message when bwrap is asked for and cannot run. */
    public static Sandbox open(SandboxSettings settings) {
        RuntimeDirectory runtime;
        try {
            runtime = RuntimeDirectory.create(settings.runtimeRoot());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the sandbox runtime directory under " + settings.runtimeRoot()
                    + " (set JFAAS_SANDBOX_RUNTIME to a writable place): " + e.getMessage(), e);
        }
        Cgroups cgroups = null;
        try {
            var spawner = SpawnerBinary.install(runtime.resolve("bin"));
            var users = new FunctionUsers(settings.uidBase());
            Containment containment = switch (settings.kind()) {
                case BWRAP -> Bubblewrap.check(settings, users);
                case NONE -> new Unsandboxed(runtime);
            };
            cgroups = Cgroups.detect("jfaas-" + runtime.dir().getFileName(),
                    runtime.staleIds().stream().map(id -> "jfaas-" + id).toList());
            var sandbox = new Sandbox(settings, runtime, cgroups, users, containment, spawner);
            sandbox.logReport();
            return sandbox;
        } catch (RuntimeException e) {
            if (cgroups != null) {
                cgroups.close();
            }
            runtime.close();
            throw e;
        }
    }

    /** A function's user and its secrets; one per function, closed when the function is removed. */
    public FunctionSpace space() {
        int uid = users.allocate();
        return new FunctionSpace(uid, runtime.resolve("f").resolve(Long.toString(spaces.incrementAndGet())), users);
    }

    /**
     * Starts a replica. Call it from a thread that lives as long as the replica: the kernel ends a
     * sandbox when the thread that started it ends (PR_SET_PDEATHSIG is per thread), which is what
     * makes it die with the gateway, and would kill it early if it were started from a pooled or
     * virtual thread.
     */
    public SandboxedProcess start(FunctionSpace space, Launch launch) throws IOException {
        var cgroup = cgroups.create(launch.instance(), launch.limits());
        try {
            var env = new HashMap<>(launch.env());
            env.putIfAbsent("PATH", PATH);
            var contained = containment.contain(space, launch, spawner, env, settings);
            var builder = new ProcessBuilder(LaunchScript.inCgroup(cgroup, contained.argv())).directory(contained.cwd().toFile());
            builder.environment().clear();
            builder.environment().putAll(contained.env());
            var process = builder.start();
            return new SandboxedProcess(process, cgroup, contained);
        } catch (IOException | RuntimeException e) {
            cgroup.remove();
            throw e;
        }
    }

    /** Processes and threads a replica may have unless its function says otherwise. */
    public int defaultPids() {
        return settings.pids();
    }

    /**
     * Checks that a function's user can reach a directory of the host to mount it (bwrap runs as
     * that user): every directory above it searchable by others, and itself readable.
     *
     * @throws IllegalArgumentException saying which directory is in the way and how to open it
     */
    public void checkReachable(Path dir) {
        if (!(containment instanceof Bubblewrap) || !users.perFunction()) {
            return;
        }
        try {
            var self = Files.getPosixFilePermissions(dir);
            if (!self.contains(PosixFilePermission.OTHERS_READ) || !self.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw unreachable(dir, dir, self, "o+rx");
            }
            for (var parent = dir.getParent(); parent != null; parent = parent.getParent()) {
                var mode = Files.getPosixFilePermissions(parent);
                if (!mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw unreachable(dir, parent, mode, "o+x");
                }
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
    public void checkProgram(String program, View view, String path) {
        var searchPath = path == null || path.isBlank() ? PATH : path;
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

    public SandboxReport report() {
        var who = containment.name().equals("none") ? "as the gateway's own user, uncontained"
                : users.perFunction() ? "each function as a uid of its own from " + settings.uidBase() + ", no capabilities"
                : "as the gateway's own uid " + FunctionUsers.gatewayUid() + " (not root: cannot switch users), no capabilities";
        return new SandboxReport(containment.name(), who, cgroups.description(), cgroups.enforced());
    }

    private void logReport() {
        var report = report();
        if (report.sandbox().equals("none")) {
            log.warn("JFAAS_SANDBOX=none: functions run UNCONTAINED, as the gateway's own user, and can read its data "
                    + "directory, its secrets and every other function's files; use this only on a machine without bubblewrap");
        } else {
            log.info("functions run in bubblewrap sandboxes, {}", report.users());
        }
        if (report.enforced()) {
            log.info("limits: {}", report.limits());
        } else {
            log.warn("limits.memory, limits.cpu and the pids limit are NOT enforced: {}", report.limits());
        }
    }

    @Override
    public void close() {
        cgroups.close();
        runtime.close();
    }
}
