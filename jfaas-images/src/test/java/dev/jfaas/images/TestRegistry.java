package dev.jfaas.images;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A real registry (Debian's docker-registry, the distribution registry) on a free local port,
 * optionally with basic auth (htpasswd), for pull tests; never a public one.
 */
public final class TestRegistry implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String user;
    private final String password;

    private TestRegistry(Process process, int port, String user, String password) {
        this.process = process;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** @param user null for a registry without auth */
    public static TestRegistry start(Path work, String user, String password) throws IOException, InterruptedException {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var dir = Files.createTempDirectory(work, "registry");
        var config = new StringBuilder("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " + dir
                + "/data\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        if (user != null) {
            TestImages.run(work, "htpasswd", "-Bbc", dir.resolve("htpasswd").toString(), user, password);
            config.append("auth:\n  htpasswd:\n    realm: test\n    path: ").append(dir.resolve("htpasswd")).append('\n');
        }
        Files.writeString(dir.resolve("config.yml"), config);
        var process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 200; i++) {
            try (var probe = new Socket("127.0.0.1", port)) {
                return new TestRegistry(process, port, user, password);
            } catch (IOException notYet) {
                Thread.sleep(25);
            }
        }
        process.destroyForcibly();
        throw new IOException("the registry did not start; see " + dir.resolve("registry.log"));
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Pushes an archive's image as {@code repository:tag} here. */
    public void push(Path work, Path archive, String format, String repositoryAndTag) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<>(java.util.List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
        if (user != null) {
            command.addAll(java.util.List.of("--dest-creds", user + ":" + password));
        }
        command.addAll(java.util.List.of(format + ":" + archive, "docker://" + host() + "/" + repositoryAndTag));
        TestImages.run(work, command.toArray(String[]::new));
    }

    /** Docker's config.json with this registry's credentials. */
    public Path authFile(Path work) throws IOException {
        var file = Files.createTempFile(work, "auth", ".json");
        var auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
        Files.writeString(file, "{\"auths\":{\"" + host() + "\":{\"auth\":\"" + auth + "\"}}}");
        return file;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
