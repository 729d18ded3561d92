package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.store.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where a function lives on disk: its working directory (the deployment's {@code image} when that
 * names an existing directory, else an empty one of its own) and its secrets directory, mounted
 * the OpenFaaS way as one file per secret, readable by the owner only.
 */
final class FunctionDirectory {

    private final Path root;

    FunctionDirectory(Path functionsRoot, FunctionName name) {
        this.root = functionsRoot.resolve(name.namespace()).resolve(name.name());
    }

    /** The image as a directory, if it names one: an absolute path or a {@code file:} URL. */
    static Path imageDirectory(String image) {
        Path candidate = null;
        if (image.startsWith("file:")) {
            try {
                candidate = Path.of(URI.create(image));
            } catch (IllegalArgumentException e) {
                return null;
            }
        } else if (image.startsWith("/")) {
            candidate = Path.of(image);
        }
        return candidate != null && Files.isDirectory(candidate) ? candidate : null;
    }

    Path workDir(FunctionDeployment deployment) {
        var image = imageDirectory(deployment.image());
        if (image != null) {
            return image;
        }
        return createDirectories(root.resolve("work"));
    }

    Path secretsDir() {
        return root.resolve("secrets");
    }

    /** Writes the function's secrets afresh; a secret removed from the list disappears. */
    void writeSecrets(FunctionDeployment deployment, SecretStore secrets) {
        var dir = secretsDir();
        deleteTree(dir);
        createDirectories(dir);
        try {
            for (var name : deployment.secrets()) {
                var value = secrets.secretValue(deployment.namespace(), name);
                if (value.isEmpty()) {
                    continue; // deleted after deploy; the function sees it gone, as on Kubernetes
                }
                var file = dir.resolve(name);
                Files.write(file, value.get());
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secrets for " + deployment.service(), e);
        }
    }

    void deleteAll() {
        deleteTree(root);
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (var path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
