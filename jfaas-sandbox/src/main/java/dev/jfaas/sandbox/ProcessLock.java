package dev.jfaas.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file, held by this process until closed, against other processes and
 * against other holders in this JVM. The JDK's file locks are POSIX record locks, held per process,
 * and closing any channel to a locked file releases the process's lock on it: opening a file held
 * here to find it held, then closing it, had released the holder's lock, so another gateway on the
 * host could take the same addresses, uids or data directory. A file held here is refused without
 * being opened. The kernel lets go of the lock however the process ends.
 */
public final class ProcessLock implements AutoCloseable {

    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;

    private ProcessLock(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** The lock on {@code file} (made if missing), or empty if this process or another holds it. */
    public static Optional<ProcessLock> tryLock(Path file) throws IOException {
        var path = file.toAbsolutePath().normalize();
        if (!HELD_HERE.add(path)) {
            return Optional.empty();
        }
        try {
            var channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                if (channel.tryLock() != null) {
                    return Optional.of(new ProcessLock(path, channel));
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            channel.close(); // another process holds it; this one held no lock to lose
        } catch (IOException | RuntimeException e) {
            HELD_HERE.remove(path);
            throw e;
        }
        HELD_HERE.remove(path);
        return Optional.empty();
    }

    /** Whether a holder in this process has {@code file}. */
    public static boolean heldHere(Path file) {
        return HELD_HERE.contains(file.toAbsolutePath().normalize());
    }

    public FileChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the descriptor either way
        } finally {
            HELD_HERE.remove(file);
        }
    }
}
