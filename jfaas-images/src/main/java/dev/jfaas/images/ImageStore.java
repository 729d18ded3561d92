package dev.jfaas.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images functions run from: one OCI image layout (content-addressed blobs, so layers shared
 * by images are stored once; names as {@code org.opencontainers.image.ref.name}) and, beside it,
 * each image unpacked once into a read-only root filesystem shared by every replica that runs it.
 * Roots no deployment uses are removed by {@link #collect}. Changes are made one at a time: the
 * tools rewrite the layout's index.
 *
 * <p>Layout: {@code <dir>/layout} (the OCI layout), {@code <dir>/roots/<digest>} (unpacked roots,
 * 0755 so the functions' users can enter them), {@code <dir>/incoming} (archives being received).
 */
public final class ImageStore {

    private static final Logger log = LoggerFactory.getLogger(ImageStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TOOL_TIMEOUT = 600;
    /** Mount points the sandbox needs in a root it cannot write (a container runtime makes them too). */
    private static final List<String> MOUNT_POINTS = List.of("proc", "dev", "tmp", "sys", "run/jfaas", "home/app",
            "var/openfaas/secrets");

    private final Path layout;
    private final Path roots;
    private final Path incoming;
    private final Path authFile;
    private final long pullTimeoutSeconds;

    /** @param authFile registry credentials in Docker's config.json form, or null for none */
    public ImageStore(Path dir, Path authFile) {
        this(dir, authFile, java.time.Duration.ofSeconds(TOOL_TIMEOUT));
    }

    /**
     * @param authFile    registry credentials in Docker's config.json form, or null for none
     * @param pullTimeout how long a pull may take before it is stopped (a registry that accepts and
     *                    never answers must not hold a deploy for ever)
     */
    public ImageStore(Path dir, Path authFile, java.time.Duration pullTimeout) {
        this.pullTimeoutSeconds = Math.max(1, pullTimeout.toSeconds());
        this.layout = dir.resolve("layout");
        this.roots = dir.resolve("roots");
        this.incoming = dir.resolve("incoming");
        this.authFile = authFile;
        try {
            Files.createDirectories(roots);
            Files.createDirectories(incoming);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(roots, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(incoming, PosixFilePermissions.fromString("rwx------"));
            if (!Files.exists(layout.resolve("index.json"))) {
                Tools.check(List.of("umoci", "init", "--layout", layout.toString()), null, TOOL_TIMEOUT, 500,
                        "cannot make the image store at " + layout);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the image store at " + dir, e);
        }
    }

    /** Where an archive being received is written before it is imported. */
    public Path incomingFile() {
        return incoming.resolve("upload-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tar");
    }

    /**
     * Imports an {@code oci-archive} or a {@code docker save} tarball. The name is the one the
     * archive gives (a docker save's RepoTags, an OCI ref.name) unless {@code name} says otherwise.
     */
    public synchronized StoredImage importArchive(Path archive, String name) {
        var format = formatOf(archive);
        var named = name != null && !name.isBlank() ? ImageReference.parse(name)
                : nameInArchive(archive, format).map(ImageReference::parse).orElseThrow(() -> new ImageException(400,
                        "the archive names no image: give it a name (jfaas image import FILE --name NAME, or ?name=)"));
        Tools.check(List.of("skopeo", "copy", "--quiet", format + ":" + archive, "oci:" + layout + ":" + named.canonical()),
                null, TOOL_TIMEOUT, 400, "cannot import " + archive.getFileName());
        log.info("imported image {} from {}", named, archive.getFileName());
        return find(named.canonical()).orElseThrow();
    }

    /**
     * Pulls from a registry (credentials from the auth file, Docker's config.json form). The network
     * part goes into a layout of its own, without the store's lock, so a slow or stalled registry
     * holds up no other pull, import or lookup; only the local copy into the store takes the lock.
     */
    public StoredImage pull(String reference) {
        var named = ImageReference.parse(reference);
        var pulled = incoming.resolve("pull-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        try {
            var command = new ArrayList<>(List.of("skopeo", "copy", "--quiet"));
            if (authFile != null && Files.exists(authFile)) {
                command.addAll(List.of("--authfile", authFile.toString()));
            }
            if (named.local()) {
                command.add("--src-tls-verify=false"); // a registry on this machine speaks plain HTTP
            }
            command.addAll(List.of("docker://" + named.canonical(), "oci:" + pulled + ":" + named.canonical()));
            Tools.check(command, null, pullTimeoutSeconds, 404, "cannot pull " + named);
            synchronized (this) {
                Tools.check(List.of("skopeo", "copy", "--quiet", "oci:" + pulled + ":" + named.canonical(),
                        "oci:" + layout + ":" + named.canonical()), null, TOOL_TIMEOUT, 500, "cannot store " + named);
            }
            log.info("pulled image {}", named);
            return find(named.canonical()).orElseThrow();
        } finally {
            deleteTree(pulled);
        }
    }

    public synchronized List<StoredImage> list() {
        var out = new ArrayList<StoredImage>();
        for (var entry : index().entrySet()) {
            out.add(new StoredImage(entry.getKey(), entry.getValue(), configOf(entry.getValue())));
        }
        return out;
    }

    /** The image a deployment names, in the store already (it is not pulled here). */
    public synchronized Optional<StoredImage> find(String reference) {
        String canonical;
        try {
            canonical = ImageReference.parse(reference).canonical();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        var digest = index().get(canonical);
        return digest == null ? Optional.empty() : Optional.of(new StoredImage(canonical, digest, configOf(digest)));
    }

    public synchronized void remove(String reference) {
        var canonical = ImageReference.parse(reference).canonical();
        if (!index().containsKey(canonical)) {
            throw new ImageException(404, "image " + canonical + " not found");
        }
        Tools.check(List.of("umoci", "rm", "--image", layout + ":" + canonical), null, TOOL_TIMEOUT, 500, "cannot remove " + canonical);
        Tools.check(List.of("umoci", "gc", "--layout", layout.toString()), null, TOOL_TIMEOUT, 500, "cannot collect the store's blobs");
        log.info("removed image {}", canonical);
    }

    /**
     * The image's root filesystem, unpacked on first use (into a directory of its own, renamed in
     * place when whole, so a root is never seen half made). Shared by every function that runs it.
     */
    public synchronized Path root(StoredImage image) {
        var target = roots.resolve(image.digest().replace("sha256:", ""));
        if (Files.isDirectory(target)) {
            return target;
        }
        var partial = roots.resolve(".unpacking-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        try {
            Tools.check(List.of("umoci", "raw", "unpack", "--image", layout + ":" + image.name(), partial.toString()), null,
                    TOOL_TIMEOUT, 500, "cannot unpack " + image.name());
            for (var point : MOUNT_POINTS) {
                Files.createDirectories(partial.resolve(point));
            }
            for (var file : List.of("etc/resolv.conf", "etc/hosts")) {
                var path = partial.resolve(file);
                Files.createDirectories(path.getParent());
                if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createFile(path);
                }
            }
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(partial, target);
            log.info("unpacked image {} ({})", image.name(), image.digest());
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the root of " + image.name(), e);
        } finally {
            deleteTree(partial);
        }
    }

    /** Removes unpacked roots that no deployment uses; returns how many. */
    public synchronized int collect(Set<String> digestsInUse) {
        int removed = 0;
        try (Stream<Path> entries = Files.list(roots)) {
            for (var root : entries.toList()) {
                var name = root.getFileName().toString();
                if (!digestsInUse.contains("sha256:" + name)) {
                    deleteTree(root);
                    removed++;
                }
            }
        } catch (IOException e) {
            log.warn("cannot collect unused image roots: {}", e.getMessage());
        }
        return removed;
    }

    private static String formatOf(Path archive) {
        var names = Tools.check(List.of("tar", "-tf", archive.toString()), null, 60, 400,
                "not a tar archive (import an oci-archive or a docker save tarball)");
        var entries = names.lines().map(l -> l.startsWith("./") ? l.substring(2) : l).toList();
        if (entries.contains("oci-layout") && entries.contains("index.json")) {
            return "oci-archive";
        }
        if (entries.contains("manifest.json")) {
            return "docker-archive";
        }
        throw new ImageException(400, "neither an oci-archive nor a docker save tarball (no oci-layout or manifest.json in it)");
    }

    private static Optional<String> nameInArchive(Path archive, String format) {
        var file = format.equals("oci-archive") ? "index.json" : "manifest.json";
        var text = Tools.check(List.of("tar", "-xOf", archive.toString(), file), null, 60, 400, "cannot read " + file);
        try {
            var json = JSON.readTree(text);
            if (format.equals("oci-archive")) {
                for (var manifest : json.path("manifests")) {
                    var ref = manifest.path("annotations").path("org.opencontainers.image.ref.name").asText("");
                    if (!ref.isEmpty() && (ref.contains("/") || ref.contains(":"))) {
                        return Optional.of(ref);
                    }
                }
                return Optional.empty();
            }
            for (var image : json) {
                for (var tag : image.path("RepoTags")) {
                    return Optional.of(tag.asText());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new ImageException(400, "the archive's " + file + " is not JSON");
        }
    }

    /** Name → manifest digest, from the layout's index. */
    private Map<String, String> index() {
        try {
            var json = JSON.readTree(layout.resolve("index.json").toFile());
            var out = new LinkedHashMap<String, String>();
            for (var manifest : json.path("manifests")) {
                var ref = manifest.path("annotations").path("org.opencontainers.image.ref.name").asText("");
                if (!ref.isEmpty()) {
                    out.put(ref, manifest.path("digest").asText());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image store's index", e);
        }
    }

    private ImageConfig configOf(String manifestDigest) {
        try {
            var manifest = blob(manifestDigest);
            var config = blob(manifest.path("config").path("digest").asText()).path("config");
            var env = new LinkedHashMap<String, String>();
            for (var entry : config.path("Env")) {
                var text = entry.asText();
                int eq = text.indexOf('=');
                if (eq > 0) {
                    env.put(text.substring(0, eq), text.substring(eq + 1));
                }
            }
            return new ImageConfig(strings(config.path("Entrypoint")), strings(config.path("Cmd")), env,
                    config.path("WorkingDir").asText(""), config.path("User").asText(""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the config of " + manifestDigest, e);
        }
    }

    private JsonNode blob(String digest) throws IOException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("bad digest " + digest);
        }
        return JSON.readTree(layout.resolve("blobs/sha256").resolve(digest.substring(7)).toFile());
    }

    private static List<String> strings(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (var path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
