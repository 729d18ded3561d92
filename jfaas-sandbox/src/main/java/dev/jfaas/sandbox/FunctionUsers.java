package dev.jfaas.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The uids functions run as. A gateway running as root gives each function a uid of its own
 * (base + n, the gid equal), so functions cannot read each other's files or signal each other's
 * processes even where a view is shared, and none of them is root. The base is a block of 65536
 * uids the gateway claims on the host ({@link #claim}), so two gateways never give their functions
 * the same uid. A gateway that is not root cannot switch users: its functions run as its own uid,
 * contained by their views alone.
 */
final class FunctionUsers {

    private final int base;
    private final boolean perFunction;
    private final BitSet taken = new BitSet(SandboxSettings.USERS);

    FunctionUsers(int base) {
        this.base = base;
        this.perFunction = gatewayIsRoot();
    }

    /**
     * As root, the uids of the first block of 65536 (at a multiple of 65536) at or above
     * {@code atLeast} that no other gateway on this host holds; else the gateway's own uid.
     */
    static FunctionUsers claim(int atLeast, HostClaims claims) {
        if (!gatewayIsRoot()) {
            return new FunctionUsers(atLeast);
        }
        int first = (atLeast + SandboxSettings.USERS - 1) / SandboxSettings.USERS;
        var claim = claims.claim("uids", first, Math.min(first + 4095, Integer.MAX_VALUE / SandboxSettings.USERS - 1), block -> true);
        return new FunctionUsers(claim.block() * SandboxSettings.USERS);
    }

    /** The first uid of this gateway's block. */
    int base() {
        return base;
    }

    /** A uid of the block no function is given, to try sandboxes with. */
    int probeUid() {
        return base + SandboxSettings.USERS - 1;
    }

    boolean perFunction() {
        return perFunction;
    }

    synchronized int allocate() {
        if (!perFunction) {
            return gatewayUid();
        }
        int n = taken.nextClearBit(0);
        if (n >= SandboxSettings.USERS) {
            throw new IllegalStateException("no free function uid left above " + base);
        }
        taken.set(n);
        return base + n;
    }

    synchronized void release(int uid) {
        if (perFunction && uid >= base && uid < base + SandboxSettings.USERS) {
            taken.clear(uid - base);
        }
    }

    static boolean gatewayIsRoot() {
        return gatewayUid() == 0;
    }

    /** The real uid of this process, as /proc tells it (the JDK has no call for it). */
    static int gatewayUid() {
        try {
            for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or no /proc: treat as unprivileged
        }
        return -1;
    }
}
