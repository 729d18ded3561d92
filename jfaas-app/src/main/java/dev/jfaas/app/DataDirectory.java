package dev.jfaas.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The data directory holds the store, the queue (every async payload), the sealed secrets and
 * their key: only the gateway's user may enter it. Functions never need to (their sandboxes'
 * sources live in the runtime directory).
 */
final class DataDirectory {

    private DataDirectory() {}

    static void ownerOnly(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data directory " + dir + " private", e);
        }
    }
}
