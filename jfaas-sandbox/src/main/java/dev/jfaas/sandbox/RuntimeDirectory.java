package dev.jfaas.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's directory under the runtime root, {@code <root>/<id>}: the launcher and spawner
 * binaries, each function's space (secrets, passwd) and, in a directory of the gateway's alone,
 * the replicas' control sockets. It lives as
 * long as the gateway; directories that gateways which died left behind are removed at start.
 * Traversable by all (0711) and listable by none, so a function's user reaches its own space and
 * nothing else.
 */
final class RuntimeDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RuntimeDirectory.class);
    private static final String OWNER = "owner";

    private final Path dir;
    private final List<String> staleIds;

    private RuntimeDirectory(Path dir, List<String> staleIds) {
        this.dir = dir;
        this.staleIds = staleIds;
    }

    static RuntimeDirectory create(Path root) throws IOException {
        Files.createDirectories(root);
        traversable(root);
        var stale = removeStale(root);
        var id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        var dir = root.resolve(id);
        Files.createDirectory(dir);
        traversable(dir);
        Files.writeString(dir.resolve(OWNER), ownerLine(ProcessHandle.current()));
        Files.setPosixFilePermissions(dir.resolve(OWNER), PosixFilePermissions.fromString("rw-------"));
        return new RuntimeDirectory(dir, stale);
    }

    /** The ids of directories found left behind at start: their gateways' cgroups can go too. */
    List<String> staleIds() {
        return staleIds;
    }

    Path dir() {
        return dir;
    }

    Path resolve(String name) {
        try {
            var child = dir.resolve(name);
            Files.createDirectories(child);
            traversable(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir.resolve(name), e);
        }
    }

    /** A directory only the gateway may enter (0700): what no function may reach or replace. */
    Path privateDir(String name) {
        try {
            var child = dir.resolve(name);
            Files.createDirectories(child);
            Files.setPosixFilePermissions(child, PosixFilePermissions.fromString("rwx------"));
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir.resolve(name), e);
        }
    }

    @Override
    public void close() {
        deleteTree(dir);
    }

    private static void traversable(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    private static String ownerLine(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Object::toString).orElse("?");
    }

    /** Directories whose gateway is no longer running (the same pid and start time). */
    private static List<String> removeStale(Path root) {
        var removed = new ArrayList<String>();
        try (Stream<Path> children = Files.list(root)) {
            for (var child : children.toList()) {
                var owner = child.resolve(OWNER);
                if (!Files.isRegularFile(owner)) {
                    continue;
                }
                var line = Files.readString(owner).strip();
                long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
                boolean alive = ProcessHandle.of(pid).map(p -> ownerLine(p).equals(line)).orElse(false);
                if (!alive) {
                    log.info("removing {}, left behind by a gateway that is no longer running", child);
                    deleteTree(child);
                    removed.add(child.getFileName().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot clean up {}: {}", root, e.getMessage());
        }
        return removed;
    }

    /** Deletes a tree, read-only directories (secrets are 0500) included. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            var paths = walk.toList();
            for (var path : paths) {
                if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
                }
            }
            for (var path : paths.stream().sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
