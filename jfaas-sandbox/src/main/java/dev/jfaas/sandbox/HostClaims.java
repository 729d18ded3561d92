package dev.jfaas.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * What a gateway takes of the host for its functions and must not share with another gateway on
 * the same host (its uids, its replicas' addresses), claimed by holding a lock on a file under one
 * host-wide directory ({@code /run/lock/jfaas}) for as long as the gateway lives. The kernel lets go
 * of a lock when its process dies, however it dies, so nothing is ever claimed by a gateway that
 * is gone, and nothing needs cleaning up.
 */
public final class HostClaims implements AutoCloseable {

    /** One claimed block: its number, the lock that holds it, and the lock's file. */
    public record Claim(int block, FileLock lock, Path file) {}

    /**
     * The lock files this JVM holds, whichever instance took them. The JDK's file locks are POSIX
     * record locks, held per process, and closing any channel to a locked file releases the
     * process's lock on it: a claim that opened a file to find it held here, then closed it, had
     * released the holder's lock, so another gateway on the host could claim the same addresses or
     * uids (and, its firewall table having the same name, delete this one's rules when it stopped).
     * A block held here is skipped without its file being opened.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final List<Claim> held = new ArrayList<>();

    public HostClaims(Path dir) {
        this.dir = dir;
    }

    /**
     * Claims the first free block of a kind, from {@code first} up to {@code last} inclusive,
     * skipping blocks {@code usable} refuses.
     *
     * @throws IllegalStateException when every block is taken
     */
    public synchronized Claim claim(String kind, int first, int last, IntPredicate usable) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir, e);
        }
        for (int block = first; block <= last; block++) {
            if (!usable.test(block)) {
                continue;
            }
            var file = dir.resolve(kind + "-" + block + ".lock").toAbsolutePath().normalize();
            if (!HELD_HERE.add(file)) {
                continue; // this JVM holds it (another sandbox in the same JVM, as in tests)
            }
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var lock = channel.tryLock();
                if (lock != null) {
                    var claim = new Claim(block, lock, file);
                    held.add(claim);
                    return claim;
                }
                channel.close(); // another process holds it; this one held no lock to lose
                HELD_HERE.remove(file);
            } catch (IOException e) {
                closeQuietly(channel);
                HELD_HERE.remove(file);
                throw new UncheckedIOException("cannot claim " + file, e);
            }
        }
        throw new IllegalStateException("every " + kind + " block from " + first + " to " + last
                + " is claimed by another jfaas gateway on this host (locks in " + dir + ")");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    @Override
    public synchronized void close() {
        for (var claim : held) {
            closeQuietly(claim.lock().channel());
            HELD_HERE.remove(claim.file());
        }
        held.clear();
    }
}
