package dev.jfaas.gateway.invoke;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * Where the request bodies of sync calls are held while they arrive ({@link Receive}): in memory up
 * to {@link #IN_MEMORY} a call while an eighth of the heap lasts, else spooled to files in a
 * directory of the gateway's own (the data directory's {@code spool}, owner-only), at most
 * {@code spoolSize} bytes at once. A spool file is unlinked as soon as it is open: it cannot outlive
 * its call, even through a crash, and no one can open it by its name.
 */
public final class ReceivedBodies {

    /** The most of one call's body held in memory (nginx's client_body_buffer_size, larger: calls carry JSON). */
    static final int IN_MEMORY = 1 << 20;

    private final Path directory;
    final HeldBodies memory;
    final HeldBodies spool;

    ReceivedBodies(Path directory, HeldBodies memory, HeldBodies spool) {
        this.directory = directory;
        this.memory = memory;
        this.spool = spool;
    }

    /**
     * Bodies spooled in {@code directory}, made owner-only and emptied of what a previous run may
     * have left between opening a file and unlinking it.
     */
    public static ReceivedBodies in(Path directory, long spoolSize) {
        try {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            try (var left = Files.list(directory)) {
                for (var file : (Iterable<Path>) left::iterator) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the request body spool " + directory, e);
        }
        return new ReceivedBodies(directory, new HeldBodies(Runtime.getRuntime().maxMemory() / 8), new HeldBodies(spoolSize));
    }

    /** A new spool file, open to write and then read, already without a name. */
    Future<AsyncFile> open(Vertx vertx) {
        var path = directory.resolve(UUID.randomUUID() + ".body").toString();
        var fs = vertx.fileSystem();
        return fs.open(path, new OpenOptions().setCreateNew(true).setRead(true).setWrite(true).setPerms("rw-------"))
                .compose(file -> fs.delete(path).transform(unlinked -> {
                    if (unlinked.failed()) {
                        file.close();
                        return Future.failedFuture(unlinked.cause());
                    }
                    return Future.succeededFuture(file);
                }));
    }
}
