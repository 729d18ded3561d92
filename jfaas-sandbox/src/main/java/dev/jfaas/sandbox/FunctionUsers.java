package dev.jfaas.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The uids functions run as. A gateway running as root gives each function a uid of its own
 * (base + n, the gid equal), so functions cannot read each other's files or signal each other's
 * processes even where a view is shared, and none of them is root. A gateway that is not root
 * cannot switch users: its functions run as its own uid, contained by their views alone.
 */
final class FunctionUsers {

    private final int base;
    private final boolean perFunction;
    private final BitSet taken = new BitSet(SandboxSettings.USERS);

    FunctionUsers(int base) {
        this.base = base;
        this.perFunction = gatewayIsRoot();
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
