package dev.jfaas.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's admin user and password. Looked for, in order: {@code basic-auth-user} and
 * {@code basic-auth-password} files in the secret mount path (as OpenFaaS mounts them), the
 * environment, then a password generated on first start and kept (mode 0600) in the data
 * directory.
 */
public record Credentials(String user, String password) {

    private static final Logger log = LoggerFactory.getLogger(Credentials.class);
    public static final String PASSWORD_FILE = "basic-auth-password";

    @Override
    public String toString() {
        return "Credentials[user=" + user + "]";
    }

    public static Credentials resolve(Path secretMountPath, String envUser, String envPassword, Path dataDir) {
        if (secretMountPath != null) {
            var userFile = secretMountPath.resolve("basic-auth-user");
            var passwordFile = secretMountPath.resolve("basic-auth-password");
            if (Files.isReadable(userFile) && Files.isReadable(passwordFile)) {
                return new Credentials(read(userFile), read(passwordFile));
            }
        }
        var user = envUser == null || envUser.isBlank() ? "admin" : envUser;
        if (envPassword != null && !envPassword.isBlank()) {
            return new Credentials(user, envPassword);
        }
        return new Credentials(user, storedOrGenerated(dataDir.resolve(PASSWORD_FILE)));
    }

    private static String storedOrGenerated(Path file) {
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            Files.createDirectories(file.getParent());
            var bytes = new byte[18];
            new SecureRandom().nextBytes(bytes);
            var password = HexFormat.of().formatHex(bytes);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password, StandardCharsets.UTF_8);
            log.info("generated an admin password for the gateway; it is in {}", file.toAbsolutePath());
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the generated password in " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
