package dev.jfaas.sandbox;

import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How functions are contained.
 *
 * @param kind              bwrap (the default) or none
 * @param runtimeRoot       where the views' sources live while replicas run (secrets, the spawner); a
 *                          place every function user can reach, unlike the data directory
 * @param uidBase           functions run as uids from the first block of 65536 at or above it that no
 *                          other gateway on the host holds, when the gateway is root
 * @param tmpBytes          size of each replica's /tmp (and of /home/app when the function has no directory)
 * @param pids              processes and threads a replica may have unless its annotation says otherwise
 * @param shmBytes          size of each replica's /dev/shm
 * @param defaultMemory     limits.memory of a function that sets none, in bytes (0: none)
 * @param network           the pool replicas' links are taken from, a /18 per gateway (JFAAS_SANDBOX_NETWORK);
 *                          "none" gives replicas loopback only, reached through a relay
 * @param allowHostNetwork  whether a function may ask for the host's network (com.jfaas.network=host)
 * @param claims            the host-wide directory where gateways claim their uids and addresses
 * @param searchPath        where the gateway looks for bwrap and nft (its PATH)
 */
public record SandboxSettings(Kind kind, Path runtimeRoot, int uidBase, long tmpBytes, int pids, long shmBytes,
        long defaultMemory, String network, boolean allowHostNetwork, int premade, Path claims, String searchPath) {

    public enum Kind { BWRAP, NONE }

    public static final int DEFAULT_UID_BASE = 200_000;
    public static final int USERS = 65_536;

    public static final Setting<Kind> KIND = Setting.oneOf("JFAAS_SANDBOX", "bwrap",
            Map.of("bwrap", Kind.BWRAP, "bubblewrap", Kind.BWRAP, "none", Kind.NONE, "off", Kind.NONE),
            "`bwrap` (every replica in a bubblewrap sandbox) or `none` (uncontained, warned about)");
    public static final Setting<Path> RUNTIME = Setting.parsed("JFAAS_SANDBOX_RUNTIME", "/run/jfaas", Path::of,
            "where running functions' secrets and the spawner live (never the data directory)")
            .derived("`/run/jfaas` as root, else `$XDG_RUNTIME_DIR/jfaas`", SandboxSettings::defaultRuntimeRoot);
    public static final Setting<Integer> UID_BASE = Setting.integer("JFAAS_SANDBOX_UID_BASE", DEFAULT_UID_BASE, 1000,
            (int) Math.min(Integer.MAX_VALUE, 4_294_967_294L - 2L * USERS),
            "as root, functions run as uids from the first block of 65536 at or above it that no other gateway on the "
            + "host holds");
    public static final Setting<Long> TMP_SIZE = Setting.parsed("JFAAS_SANDBOX_TMP_SIZE", "64Mi", SandboxSettings::size,
            "each replica's `/tmp` (and empty `/home/app`), a tmpfs charged to its memory");
    public static final Setting<Long> SHM_SIZE = Setting.parsed("JFAAS_SANDBOX_SHM_SIZE", "64Mi", SandboxSettings::size,
            "each replica's `/dev/shm`, a tmpfs charged to its memory");
    public static final Setting<Integer> PIDS = Setting.integer("JFAAS_SANDBOX_PIDS", 512, 1, 4_194_304,
            "processes and threads per replica (`com.jfaas.pids` overrides)");
    public static final Setting<Long> DEFAULT_MEMORY = Setting.parsed("JFAAS_DEFAULT_MEMORY", "256Mi",
            text -> text.strip().equals("0") || text.strip().equalsIgnoreCase("none") ? 0L : size(text),
            "`limits.memory` of a function that sets none (`0`: none)");
    public static final Setting<String> NETWORK = Setting.text("JFAAS_SANDBOX_NETWORK", "10.200.0.0/13",
            "as root, replicas' links come from a /18 of it each gateway claims (one not overlapping the host's routes); "
            + "`none`: loopback only, no egress, http servers reached through a relay");
    public static final Setting<Boolean> ALLOW_HOST_NETWORK = Setting.flag("JFAAS_ALLOW_HOST_NETWORK", false,
            "whether a function may have the host's own network (`com.jfaas.network=host`)");
    public static final Setting<Integer> PREMADE = Setting.integer("JFAAS_SANDBOX_PREMADE", 16, 0, 1024,
            "functions at zero that keep a sandbox made ahead, so that their first call only starts the program (`0`: none)");

    public static final List<Setting<?>> SETTINGS = List.of(KIND, RUNTIME, UID_BASE, TMP_SIZE, SHM_SIZE, PIDS,
            DEFAULT_MEMORY, NETWORK, ALLOW_HOST_NETWORK, PREMADE);

    public static SandboxSettings from(Settings settings) {
        return new SandboxSettings(settings.get(KIND), settings.get(RUNTIME), settings.get(UID_BASE), settings.get(TMP_SIZE),
                settings.get(PIDS), settings.get(SHM_SIZE), settings.get(DEFAULT_MEMORY), settings.get(NETWORK).strip(),
                settings.get(ALLOW_HOST_NETWORK), settings.get(PREMADE), Path.of("/run/lock/jfaas"),
                settings.environment("PATH").orElse("/usr/bin:/bin"));
    }

    /** The program's path on the gateway's PATH (and the usual system directories), or null. */
    public String executable(String name) {
        for (var dir : (searchPath + ":/usr/bin:/usr/sbin:/bin:/sbin").split(":")) {
            if (!dir.isEmpty()) {
                var candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    private static long size(String text) {
        try {
            return Limits.memoryBytes(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("use a quantity like 64Mi, 1Gi or 500M (at least 4Mi)");
        }
    }

    /** /run/jfaas for root (never on disk), else the user's runtime directory or the temp directory. */
    private static Path defaultRuntimeRoot(Settings settings) {
        if (FunctionUsers.gatewayIsRoot()) {
            return Path.of("/run/jfaas");
        }
        return settings.environment("XDG_RUNTIME_DIR").map(xdg -> Path.of(xdg, "jfaas"))
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "jfaas-" + FunctionUsers.gatewayUid()));
    }
}
