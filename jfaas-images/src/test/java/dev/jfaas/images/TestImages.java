package dev.jfaas.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Small OCI images made by tests: busybox (Debian's busybox-static) with a few files, built with
 * umoci as a real image is, and written as an oci-archive or a docker save tarball with skopeo.
 */
public final class TestImages {

    private static final List<String> APPLETS = List.of("sh", "cat", "echo", "ls", "id", "env", "wc", "rev", "sleep",
            "httpd", "head", "tr", "printf", "test", "grep", "mkdir", "touch", "nc", "sed", "true", "false", "ip", "cut", "rm", "ln", "sort",
            "kill", "ps");

    private TestImages() {}

    /** An image's parts: files by path in the root (mode 0755 when {@code executable}), and its config. */
    public record Spec(String name, Map<String, String> files, List<String> entrypoint, List<String> cmd,
            Map<String, String> env, String workingDir, String user) {}

    /** Builds the image and writes it as {@code format} (oci-archive or docker-archive) named as the spec says. */
    public static Path archive(Path work, Spec spec, String format) throws IOException, InterruptedException {
        var layout = work.resolve("layout-" + System.nanoTime());
        run(work, "umoci", "init", "--layout", layout.toString());
        run(work, "umoci", "new", "--image", layout + ":img");
        var bundle = work.resolve("bundle-" + System.nanoTime());
        run(work, "umoci", "unpack", "--image", layout + ":img", bundle.toString());
        var root = bundle.resolve("rootfs");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        for (var applet : APPLETS) {
            Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:100:101:app:/home/app:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\napp:x:101:\n");
        for (var file : spec.files().entrySet()) {
            var path = root.resolve(file.getKey().replaceFirst("^/", ""));
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        run(work, "umoci", "repack", "--image", layout + ":img", bundle.toString());
        var config = new ArrayList<>(List.of("umoci", "config", "--image", layout + ":img"));
        if (!spec.workingDir().isEmpty()) {
            config.addAll(List.of("--config.workingdir", spec.workingDir()));
        }
        if (!spec.user().isEmpty()) {
            config.addAll(List.of("--config.user", spec.user()));
        }
        spec.entrypoint().forEach(e -> config.addAll(List.of("--config.entrypoint", e)));
        spec.cmd().forEach(c -> config.addAll(List.of("--config.cmd", c)));
        spec.env().forEach((k, v) -> config.addAll(List.of("--config.env", k + "=" + v)));
        run(work, config.toArray(String[]::new));
        var archive = work.resolve(spec.name().replaceAll("[^a-z0-9]", "-") + "-" + System.nanoTime() + ".tar");
        var target = format.equals("oci-archive") ? "oci-archive:" + archive + ":" + spec.name() : "docker-archive:" + archive + ":" + spec.name();
        run(work, "skopeo", "copy", "--quiet", "oci:" + layout + ":img", target);
        return archive;
    }

    static void run(Path work, String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
