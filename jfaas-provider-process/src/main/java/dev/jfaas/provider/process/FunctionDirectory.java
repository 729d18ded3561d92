package dev.jfaas.provider.process;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A function's directory: the deployment's {@code image} when that names an existing directory
 * (an absolute path or a {@code file:} URL), mounted at /home/app; otherwise none, and each replica
 * gets an empty one of its own, as each container gets a fresh writable layer.
 */
final class FunctionDirectory {

    private FunctionDirectory() {}

    /** The image as a directory, if it names one. */
    static Path of(String image) {
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
        return candidate != null && Files.isDirectory(candidate) ? candidate.normalize() : null;
    }
}
