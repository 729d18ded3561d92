package dev.jfaas.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Checks an {@code Authorization: Basic} header against the gateway's credentials in constant time. */
public final class BasicAuth {

    public static final String CHALLENGE = "Basic realm=\"Restricted\"";
    public static final String FAILURE = "invalid credentials";

    private final byte[] expected;

    public BasicAuth(Credentials credentials) {
        this.expected = digest((credentials.user() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
    }

    public boolean allows(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(authorizationHeader.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        // Comparing digests keeps the time independent of where the first difference is.
        return MessageDigest.isEqual(expected, digest(given));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
