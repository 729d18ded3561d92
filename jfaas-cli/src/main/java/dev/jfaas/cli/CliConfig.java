package dev.jfaas.cli;

import dev.jfaas.settings.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;

/**
 * Credentials as faas-cli keeps them ({@code ~/.openfaas/config.yml}, or the directory in
 * {@code OPENFAAS_CONFIG}): a list of {@code authenticated_auths} with a base64 {@code user:password}
 * token per gateway, so {@code faas-cli login} works for jfaas and the reverse.
 */
public final class CliConfig {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path file;

    CliConfig(Path directory) {
        this.file = directory.resolve("config.yml");
    }

    public static CliConfig fromEnvironment(String overrideDir) {
        var dir = overrideDir != null ? overrideDir : variable("OPENFAAS_CONFIG", null);
        return new CliConfig(dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".openfaas"));
    }

    /** A variable of the client's environment (as faas-cli's: OPENFAAS_URL, OPENFAAS_CONFIG, and MAVEN for builds). */
    static String variable(String name, String fallback) {
        return ENVIRONMENT.environment(name).orElse(fallback);
    }

    private static final Settings ENVIRONMENT = Settings.environmentOnly();

    /** The {@code Authorization} header value stored for a gateway. */
    public Optional<String> authorization(String gateway) throws IOException {
        for (var auth : auths()) {
            if (normalise(auth.path("gateway").asText()).equals(normalise(gateway))) {
                return Optional.of("Basic " + auth.path("token").asText());
            }
        }
        return Optional.empty();
    }

    void save(String gateway, String user, String password) throws IOException {
        var root = read();
        var list = root.withArray("authenticated_auths");
        remove(list, gateway);
        var entry = list.addObject();
        entry.put("gateway", normalise(gateway));
        entry.put("auth", "basic");
        entry.put("token", Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        write(root);
    }

    boolean forget(String gateway) throws IOException {
        var root = read();
        boolean removed = remove(root.withArray("authenticated_auths"), gateway);
        write(root);
        return removed;
    }

    private Iterable<JsonNode> auths() throws IOException {
        return read().withArray("authenticated_auths");
    }

    private static boolean remove(ArrayNode list, String gateway) {
        for (int i = 0; i < list.size(); i++) {
            if (normalise(list.get(i).path("gateway").asText()).equals(normalise(gateway))) {
                list.remove(i);
                return true;
            }
        }
        return false;
    }

    private ObjectNode read() throws IOException {
        if (!Files.exists(file)) {
            return YAML.createObjectNode();
        }
        var node = YAML.readTree(file.toFile());
        return node instanceof ObjectNode object ? object : YAML.createObjectNode();
    }

    private void write(ObjectNode root) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        YAML.writeValue(file.toFile(), root);
    }

    static String normalise(String gateway) {
        return gateway.endsWith("/") ? gateway.substring(0, gateway.length() - 1) : gateway;
    }
}
