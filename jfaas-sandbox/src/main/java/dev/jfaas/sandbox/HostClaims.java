package dev.jfaas.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * What a gateway takes of the host for its functions and must not share with another gateway on
 * the same host (its uids, its replicas' addresses), claimed by holding a lock on a file under one
 * host-wide directory ({@code /run/lock/jfaas}) for as long as the gateway lives. The kernel lets go
 * of a lock when its process dies, however it dies, so nothing is ever claimed by a gateway that
 * is gone, and nothing needs cleaning up. Each is a {@link ProcessLock}: a block another sandbox of
 * this JVM holds is passed over without its lock being lost.
 */
public final class HostClaims implements AutoCloseable {

    /** One claimed block: its number and the lock that holds it. */
    public record Claim(int block, ProcessLock lock) {}

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
            var file = dir.resolve(kind + "-" + block + ".lock");
            try {
                var lock = ProcessLock.tryLock(file);
                if (lock.isPresent()) {
                    var claim = new Claim(block, lock.get());
                    held.add(claim);
                    return claim;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot claim " + file, e);
            }
        }
        throw new IllegalStateException("every " + kind + " block from " + first + " to " + last
                + " is claimed by another jfaas gateway on this host (locks in " + dir + ")");
    }

    @Override
    public synchronized void close() {
        held.forEach(claim -> claim.lock().close());
        held.clear();
    }
}
