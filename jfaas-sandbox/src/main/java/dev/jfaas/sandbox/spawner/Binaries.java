package dev.jfaas.sandbox.spawner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The two C programs the sandbox runs, built from src/main/c by the module's build and shipped in
 * the jar: jfaas-launch (on the host, before a sandbox) and jfaas-spawner (inside every sandbox).
 */
public record Binaries(Path launcher, Path spawner) {

    private static final String LAUNCHER = "jfaas-launch";
    private static final String SPAWNER = "jfaas-spawner";

    /** Copies both into {@code dir} (a directory functions cannot write), executable by every function user. */
    public static Binaries install(Path dir) {
        return new Binaries(copy(LAUNCHER, dir), copy(SPAWNER, dir));
    }

    private static Path copy(String name, Path dir) {
        var target = dir.resolve(name);
        try (var in = Binaries.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the " + name + " binary is missing from the build (it needs a C compiler: "
                        + "apt-get install gcc libc6-dev, then build again)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + name + " into " + dir, e);
        }
    }
}
