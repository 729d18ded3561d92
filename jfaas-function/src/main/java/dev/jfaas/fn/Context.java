package dev.jfaas.fn;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a function knows of where it runs: its name, its environment, its secrets (files in
 * {@code /var/openfaas/secrets}, or wherever {@code secret_mount_path} says), and a log that is
 * its stderr, which the gateway keeps as the function's log.
 */
public final class Context {

    private final String functionName;
    private final Map<String, String> env;
    private final Path secrets;
    private final PrintStream log;

    public Context(String functionName, Map<String, String> env, Path secrets, PrintStream log) {
        this.functionName = functionName;
        this.env = Map.copyOf(env);
        this.secrets = secrets;
        this.log = log;
    }

    /** As a replica sees it: its environment, its secrets where the gateway mounts them, stderr. */
    public static Context fromEnvironment() {
        var env = processEnvironment();
        var mount = env.getOrDefault("secret_mount_path", "/var/openfaas/secrets");
        return new Context(env.getOrDefault("function_name", ""), env, Path.of(mount), System.err);
    }

    /** The replica's environment: the one place the SDK reads it. */
    static Map<String, String> processEnvironment() {
        return System.getenv();
    }

    public String functionName() {
        return functionName;
    }

    public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name));
    }

    /** A secret's value as text (without a final newline); a secret not mounted is an error worth a 500. */
    public String secret(String name) {
        return new String(secretBytes(name), StandardCharsets.UTF_8).stripTrailing();
    }

    public byte[] secretBytes(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("invalid secret name " + name);
        }
        try {
            return Files.readAllBytes(secrets.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("secret " + name + " is not mounted (list it under the function's secrets)", e);
        }
    }

    /** One line in the function's log. */
    public void log(String message) {
        log.println(Instant.now() + " " + message);
    }
}
