package dev.jfaas.sandbox;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * How functions are contained, from {@code JFAAS_SANDBOX*} settings.
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
 */
public record SandboxSettings(Kind kind, Path runtimeRoot, int uidBase, long tmpBytes, int pids, long shmBytes,
        long defaultMemory, String network, boolean allowHostNetwork, Path claims) {

    public enum Kind { BWRAP, NONE }

    public static final int DEFAULT_UID_BASE = 200_000;
    public static final int USERS = 65_536;

    public static SandboxSettings fromEnvironment(Map<String, String> env) {
        var kindText = env.getOrDefault("JFAAS_SANDBOX", "bwrap").strip().toLowerCase(Locale.ROOT);
        var kind = switch (kindText) {
            case "bwrap", "bubblewrap", "" -> Kind.BWRAP;
            case "none", "off" -> Kind.NONE;
            default -> throw new IllegalArgumentException("invalid JFAAS_SANDBOX \"" + kindText + "\": use bwrap or none");
        };
        var root = env.containsKey("JFAAS_SANDBOX_RUNTIME") ? Path.of(env.get("JFAAS_SANDBOX_RUNTIME")) : defaultRuntimeRoot(env);
        int uidBase = Integer.parseInt(env.getOrDefault("JFAAS_SANDBOX_UID_BASE", Integer.toString(DEFAULT_UID_BASE)).strip());
        if (uidBase < 1000 || (long) uidBase + 2L * USERS > 4_294_967_294L) {
            throw new IllegalArgumentException("invalid JFAAS_SANDBOX_UID_BASE " + uidBase + ": use a base of at least 1000 with 65536 free uids above it");
        }
        long tmp = Limits.memoryBytes(env.getOrDefault("JFAAS_SANDBOX_TMP_SIZE", "64Mi"));
        int pids = Integer.parseInt(env.getOrDefault("JFAAS_SANDBOX_PIDS", "512").strip());
        if (pids < 1) {
            throw new IllegalArgumentException("invalid JFAAS_SANDBOX_PIDS " + pids + ": at least 1");
        }
        long shm = Limits.memoryBytes(env.getOrDefault("JFAAS_SANDBOX_SHM_SIZE", "64Mi"));
        var memoryText = env.getOrDefault("JFAAS_DEFAULT_MEMORY", "256Mi").strip();
        long memory = memoryText.equals("0") || memoryText.equalsIgnoreCase("none") ? 0 : Limits.memoryBytes(memoryText);
        var network = env.getOrDefault("JFAAS_SANDBOX_NETWORK", "10.200.0.0/13").strip();
        var allowHost = env.getOrDefault("JFAAS_ALLOW_HOST_NETWORK", "false").strip();
        if (!allowHost.equals("true") && !allowHost.equals("false")) {
            throw new IllegalArgumentException("invalid JFAAS_ALLOW_HOST_NETWORK \"" + allowHost + "\": use true or false");
        }
        return new SandboxSettings(kind, root, uidBase, tmp, pids, shm, memory, network, allowHost.equals("true"),
                Path.of("/run/lock/jfaas"));
    }

    /** /run/jfaas for root (never on disk), else the user's runtime directory or the temp directory. */
    private static Path defaultRuntimeRoot(Map<String, String> env) {
        if (FunctionUsers.gatewayIsRoot()) {
            return Path.of("/run/jfaas");
        }
        var xdg = env.get("XDG_RUNTIME_DIR");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "jfaas")
                : Path.of(System.getProperty("java.io.tmpdir"), "jfaas-" + FunctionUsers.gatewayUid());
    }
}
