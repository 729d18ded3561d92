package dev.jfaas.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one function's replicas share: the user they run as, and the host directory holding their
 * secrets (seen read-only at /var/openfaas/secrets) and their /etc/passwd and /etc/group. Owned by
 * the function's user, mode 0700, so no other function's user can enter it.
 */
public final class FunctionSpace implements AutoCloseable {

    private final int uid;
    private final Path dir;
    private final FunctionUsers users;

    FunctionSpace(int uid, Path dir, FunctionUsers users) {
        this.uid = uid;
        this.dir = dir;
        this.users = users;
        try {
            Files.createDirectories(dir.resolve("secrets"));
            Files.createDirectories(dir.resolve("etc"));
            write(dir.resolve("etc/passwd"), ("root:x:0:0:root:/root:/usr/sbin/nologin\n"
                    + "app:x:" + uid + ":" + uid + ":app:/home/app:/bin/sh\n"
                    + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n").getBytes(), "r--r--r--");
            write(dir.resolve("etc/group"), ("root:x:0:\napp:x:" + uid + ":\nnogroup:x:65534:\n").getBytes(), "r--r--r--");
            own(dir.resolve("secrets"), "rwx------");
            own(dir.resolve("etc"), "rwx------");
            own(dir, "rwx------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }

    public int uid() {
        return uid;
    }

    /** Host path of the secrets directory, for a sandbox that runs nothing (JFAAS_SANDBOX=none). */
    public Path secretsDir() {
        return dir.resolve("secrets");
    }

    Path etc(String file) {
        return dir.resolve("etc").resolve(file);
    }

    /**
     * Makes the secrets directory hold exactly these secrets. Files are replaced by rename inside
     * the directory, never the directory itself, so running replicas (which have it mounted) see
     * each new value whole.
     */
    public synchronized void writeSecrets(Map<String, byte[]> secrets) {
        var secretsDir = secretsDir();
        try {
            for (var secret : secrets.entrySet()) {
                var name = secret.getKey();
                if (name.isEmpty() || name.startsWith(".") || name.contains("/")) {
                    throw new IllegalArgumentException("invalid secret name " + name);
                }
                var next = secretsDir.resolve(".next-" + name);
                write(next, secret.getValue(), "r--------");
                Files.move(next, secretsDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            try (Stream<Path> present = Files.list(secretsDir)) {
                for (var file : present.toList()) {
                    if (!secrets.containsKey(file.getFileName().toString())) {
                        Files.delete(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secrets into " + secretsDir, e);
        }
    }

    private void write(Path file, byte[] content, String mode) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content);
        own(file, mode);
    }

    private void own(Path path, String mode) throws IOException {
        if (users.perFunction()) {
            Files.setAttribute(path, "unix:uid", uid);
            Files.setAttribute(path, "unix:gid", uid);
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    @Override
    public void close() {
        RuntimeDirectory.deleteTree(dir);
        users.release(uid);
    }
}
