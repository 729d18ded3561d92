package dev.jfaas.sandbox;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * How functions are contained, from {@code JFAAS_SANDBOX*} settings.
 *
 * @param kind        bwrap (the default) or none
 * @param runtimeRoot where the views' sources live while replicas run (secrets, the spawner); a
 *                    place every function user can reach, unlike the data directory
 * @param uidBase     functions run as uid/gid uidBase + n when the gateway is root
 * @param tmpBytes    size of each replica's /tmp (and of /home/app when the function has no directory)
 * @param pids        processes and threads a replica may have unless its annotation says otherwise
 */
public record SandboxSettings(Kind kind, Path runtimeRoot, int uidBase, long tmpBytes, int pids) {

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
        if (uidBase < 1000 || (long) uidBase + USERS > 4_294_967_294L) {
            throw new IllegalArgumentException("invalid JFAAS_SANDBOX_UID_BASE " + uidBase + ": use a base of at least 1000 with 65536 free uids above it");
        }
        long tmp = Limits.memoryBytes(env.getOrDefault("JFAAS_SANDBOX_TMP_SIZE", "64Mi"));
        int pids = Integer.parseInt(env.getOrDefault("JFAAS_SANDBOX_PIDS", "512").strip());
        if (pids < 1) {
            throw new IllegalArgumentException("invalid JFAAS_SANDBOX_PIDS " + pids + ": at least 1");
        }
        return new SandboxSettings(kind, root, uidBase, tmp, pids);
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
