package dev.jfaas.app;

import dev.jfaas.sandbox.ProcessLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The data directory holds the store, the queue (every async payload), the sealed secrets and
 * their key, each 0600: only the gateway's user can read or list anything in it. Others may pass
 * through it (0711, as containerd's root is), because functions' users must reach the unpacked
 * image roots in images/roots.
 */
final class DataDirectory {

    private DataDirectory() {}

    static void ownerOnly(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data directory " + dir + " private", e);
        }
    }

    /**
     * Makes this gateway the data directory's only one for as long as it runs: a lock on
     * {@code gateway.lock}, which names the holder's pid. Two gateways on one directory would both
     * run every function, worker and schedule. The kernel lets go of the lock however the gateway
     * ends, kill -9 included.
     *
     * @return what releases it
     * @throws IllegalStateException naming the gateway that holds it
     */
    static AutoCloseable lock(Path dir) {
        var file = dir.resolve("gateway.lock");
        try {
            var lock = ProcessLock.tryLock(file);
            if (lock.isEmpty()) {
                var holder = ProcessLock.heldHere(file) ? Long.toString(ProcessHandle.current().pid()) : Files.readString(file).strip();
                throw new IllegalStateException("another jfaas gateway (pid " + (holder.isEmpty() ? "unknown" : holder)
                        + ") runs on the data directory " + dir + "; stop it, or give this one its own JFAAS_DATA");
            }
            var channel = lock.get().channel();
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return lock.get();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data directory " + dir, e);
        }
    }

    /**
     * This gateway's name for brokers (its consumers, clients and groups), the same across its
     * restarts so a broker hands a restarted gateway back what it had taken: kept in {@code gateway-id}.
     */
    static String gatewayId(Path dir) {
        var file = dir.resolve("gateway-id");
        try {
            if (Files.exists(file)) {
                var id = Files.readString(file).strip();
                if (id.matches("[a-z0-9]{1,32}")) {
                    return id;
                }
            }
            var id = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36);
            Files.writeString(file, id + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the gateway's id in " + file, e);
        }
    }
}
