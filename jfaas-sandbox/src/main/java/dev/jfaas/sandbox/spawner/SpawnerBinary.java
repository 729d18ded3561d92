package dev.jfaas.sandbox.spawner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The spawner executable, built from src/main/c by the module's build and shipped in the jar. */
public final class SpawnerBinary {

    private static final String RESOURCE = "jfaas-spawner";

    private SpawnerBinary() {}

    /** Copies it into {@code dir}, executable by every function user. */
    public static Path install(Path dir) {
        var target = dir.resolve(RESOURCE);
        try (var in = SpawnerBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jfaas-spawner binary is missing from the build (it needs a C compiler: "
                        + "apt-get install gcc libc6-dev, then build again)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the spawner into " + dir, e);
        }
    }
}
