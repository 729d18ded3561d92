package dev.jfaas.sandbox;

import dev.jfaas.sandbox.cgroup.Cgroups;
import dev.jfaas.sandbox.cgroup.ReplicaCgroup;
import dev.jfaas.sandbox.network.NetworkMode;
import dev.jfaas.sandbox.network.ReplicaLinks;
import dev.jfaas.sandbox.network.ReplicaNetwork;
import dev.jfaas.sandbox.spawner.Binaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where replicas run. Each replica gets a cgroup of its own with its limits (where the host lets
 * cgroups be written), a network of its own (a veth link to the host behind this gateway's
 * firewall, where the gateway is root and has nftables; loopback only elsewhere), and is contained
 * as the settings say: by {@link Bubblewrap}, in a view of its own as an unprivileged user with no
 * capabilities under a seccomp filter, or not at all ({@link Unsandboxed}). What the gateway uses
 * to reach a replica (its control socket, its address) is made by jfaas-launch before the sandbox
 * exists, where the function cannot change it.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

    /** The PATH a function gets, as in the OpenFaaS images. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final SandboxSettings settings;
    private final RuntimeDirectory runtime;
    private final Cgroups cgroups;
    private final HostClaims claims;
    private final FunctionUsers users;
    private final ReplicaLinks links;
    private final String noLinks;
    private final Containment containment;
    private final Binaries binaries;
    private final Path controlSockets;
    private final AtomicLong spaces = new AtomicLong();
    private final AtomicLong sockets = new AtomicLong();
    /** Places for sandboxes made ahead for functions at zero ({@code JFAAS_SANDBOX_PREMADE}). */
    private final java.util.concurrent.Semaphore premade;

    private Sandbox(SandboxSettings settings, RuntimeDirectory runtime, Cgroups cgroups, HostClaims claims, FunctionUsers users,
            ReplicaLinks links, String noLinks, Containment containment, Binaries binaries) {
        this.settings = settings;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.claims = claims;
        this.users = users;
        this.links = links;
        this.noLinks = noLinks;
        this.containment = containment;
        this.binaries = binaries;
        this.controlSockets = runtime.privateDir("c");
        this.premade = new java.util.concurrent.Semaphore(settings.premade());
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
        var claims = new HostClaims(settings.claims());
        Cgroups cgroups = null;
        ReplicaLinks links = null;
        try {
            var binaries = Binaries.install(runtime.resolve("bin"));
            var users = settings.kind() == SandboxSettings.Kind.BWRAP ? FunctionUsers.claim(settings.uidBase(), claims)
                    : new FunctionUsers(settings.uidBase());
            Containment containment = switch (settings.kind()) {
                case BWRAP -> Bubblewrap.check(settings, users, binaries.launcher(), runtime.resolve("app"));
                case NONE -> new Unsandboxed(runtime);
            };
            String noLinks = null;
            if (containment instanceof Bubblewrap) {
                var nft = settings.executable("nft");
                if (settings.network().equalsIgnoreCase("none")) {
                    noLinks = "JFAAS_SANDBOX_NETWORK=none";
                } else if (!FunctionUsers.gatewayIsRoot()) {
                    noLinks = "the gateway is not root";
                } else if (nft == null) {
                    noLinks = "nftables is not installed (apt-get install nftables)";
                } else {
                    links = ReplicaLinks.open(settings.network(), claims, nft);
                }
            }
            cgroups = Cgroups.detect("jfaas-" + runtime.dir().getFileName(),
                    runtime.staleIds().stream().map(id -> "jfaas-" + id).toList());
            var sandbox = new Sandbox(settings, runtime, cgroups, claims, users, links, noLinks, containment, binaries);
            sandbox.logReport();
            return sandbox;
        } catch (RuntimeException e) {
            if (cgroups != null) {
                cgroups.close();
            }
            if (links != null) {
                links.close();
            }
            claims.close();
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
     * Whether replicas started with this network mode have a network of their own, where a server
     * may listen on any port (8080, as in a container); else they share the host's.
     */
    public boolean ownNetwork(NetworkMode mode) {
        return containment instanceof Bubblewrap && mode != NetworkMode.HOST;
    }

    /**
     * Checks that functions may have this network mode here.
     *
     * @throws IllegalArgumentException for the host's network when the operator has not allowed it
     */
    public void checkNetwork(NetworkMode mode) {
        if (mode == NetworkMode.HOST && !settings.allowHostNetwork() && containment instanceof Bubblewrap) {
            throw new IllegalArgumentException(NetworkMode.ANNOTATION + "=host gives a function the host's own network "
                    + "(its loopback services, every port): the operator must allow it with JFAAS_ALLOW_HOST_NETWORK=true");
        }
    }

    /** limits.memory for a function that sets none, in bytes (0: unlimited). */
    public long defaultMemory() {
        return settings.defaultMemory();
    }

    /**
     * Starts a replica. Call it from a thread that lives as long as the replica: the kernel ends a
     * sandbox when the thread that started it ends (PR_SET_PDEATHSIG is per thread), which is what
     * makes it die with the gateway, and would kill it early if it were started from a pooled or
     * virtual thread.
     */
    public SandboxedProcess start(FunctionSpace space, Launch launch) throws IOException {
        checkNetwork(launch.network());
        var network = network(launch.network());
        ReplicaCgroup cgroup = null;
        try {
            cgroup = cgroups.create(launch.instance(), launch.limits());
            var env = new HashMap<>(launch.env());
            env.putIfAbsent("PATH", PATH);
            var contained = containment.contain(space, launch, network, binaries.spawner(), env, settings);
            boolean relayed = launch.program() instanceof Program.Server && network instanceof ReplicaNetwork.Loopback;
            var control = launch.program() instanceof Program.Spawner || relayed
                    ? controlSockets.resolve(Long.toString(sockets.incrementAndGet())) : null;
            int port = launch.program() instanceof Program.Server server ? server.port() : 0;
            var argv = LaunchCommand.of(binaries.launcher(), cgroup, control, network, port, contained.appDir(),
                    contained.appStaging(), contained.user(),
                    containment instanceof Bubblewrap, contained.argv());
            var builder = new ProcessBuilder(argv).directory(contained.cwd().toFile());
            builder.environment().clear();
            builder.environment().putAll(contained.env());
            var process = builder.start();
            var peer = Files.getOwner(containment instanceof Bubblewrap ? space.secretsDir().getParent() : runtime.dir());
            var started = cgroup;
            return new SandboxedProcess(process, cgroup, contained, control, network, peer, () -> {
                started.remove();
                if (network instanceof ReplicaNetwork.Link link) {
                    links.release(link);
                }
            });
        } catch (IOException | RuntimeException e) {
            if (cgroup != null) {
                cgroup.remove();
            }
            if (network instanceof ReplicaNetwork.Link link) {
                links.release(link);
            }
            throw e;
        }
    }

    private ReplicaNetwork network(NetworkMode mode) {
        if (!ownNetwork(mode)) {
            return new ReplicaNetwork.Host();
        }
        return links != null ? links.allocate(mode == NetworkMode.EGRESS) : new ReplicaNetwork.Loopback();
    }

    /**
     * Takes one of the sandboxes that may be made ahead for functions at zero
     * ({@code JFAAS_SANDBOX_PREMADE}); false when none is left, or where no spawner could hold the
     * program (JFAAS_SANDBOX=none). Given back with {@link #returnPremade}.
     */
    public boolean reservePremade() {
        return containment instanceof Bubblewrap && premade.tryAcquire();
    }

    public void returnPremade() {
        premade.release();
    }

    /** Processes and threads a replica may have unless its function says otherwise. */
    public int defaultPids() {
        return settings.pids();
    }

    /**
     * Checks that a function's user can reach a directory of the host to mount it.
     *
     * @throws IllegalArgumentException saying which directory is in the way and how to open it
     */
    public void checkReachable(Path dir) {
        new DeployChecks(containment, users).reachable(dir);
    }

    /**
     * Checks that the function's program exists where its sandbox will look for it.
     *
     * @param path the PATH the function will have (its own, or the standard one)
     * @throws IllegalArgumentException naming the program and where it was looked for
     */
    public void checkProgram(String program, View view, String path) {
        new DeployChecks(containment, users).program(program, view, path);
    }

    public SandboxReport report() {
        var who = containment.name().equals("none") ? "as the gateway's own user, uncontained"
                : users.perFunction() ? "each function as a uid of its own from " + users.base() + ", no capabilities"
                : "as the gateway's own uid " + FunctionUsers.gatewayUid() + " (not root: cannot switch users), no capabilities";
        var network = containment.name().equals("none") ? "the host's network"
                : links != null ? "a network namespace per replica, linked to the host from " + links.block()
                        + " (egress by default; never the host or another replica)"
                : "a network namespace per replica with loopback only (" + noLinks + ": no egress)";
        return new SandboxReport(containment.name(), who, network, cgroups.description(), cgroups.enforced());
    }

    private void logReport() {
        var report = report();
        if (report.sandbox().equals("none")) {
            log.warn("JFAAS_SANDBOX=none: functions run UNCONTAINED, as the gateway's own user, and can read its data "
                    + "directory, its secrets and every other function's files; use this only on a machine without bubblewrap");
        } else {
            log.info("functions run in bubblewrap sandboxes, {}; network: {}", report.users(), report.network());
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
        if (links != null) {
            links.close();
        }
        claims.close();
        runtime.close();
    }
}
