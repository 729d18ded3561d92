package dev.jfaas.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Paths inside an image's root, looked up from outside it: symbolic links are followed as the
 * function would see them (an absolute link starts again at the image's root, not the host's),
 * and nothing resolves outside the root.
 */
final class ImageRoots {

    private static final int MAX_LINKS = 40;

    private ImageRoots() {}

    /** The host path of {@code inside}, or null if it leads nowhere in the root. */
    static Path resolve(Path rootfs, String inside) {
        var pending = new java.util.ArrayDeque<String>();
        for (var part : inside.split("/")) {
            if (!part.isEmpty()) {
                pending.addLast(part);
            }
        }
        var current = rootfs;
        int links = 0;
        while (!pending.isEmpty()) {
            var part = pending.removeFirst();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(rootfs) ? rootfs : current.getParent();
                continue;
            }
            var next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    return null;
                }
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    return null;
                }
                var parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    if (!parts[i].isEmpty()) {
                        pending.addFirst(parts[i]);
                    }
                }
                if (target.startsWith("/")) {
                    current = rootfs;
                }
                continue;
            }
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            current = next;
        }
        return current;
    }
}
