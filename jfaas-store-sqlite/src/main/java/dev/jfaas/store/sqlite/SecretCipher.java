package dev.jfaas.store.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secret values before they reach the store (AES-256-GCM, a fresh nonce per value, the
 * secret's namespace and name as associated data, so a sealed value copied to another row does
 * not open). The key is kept apart from the database: from {@code JFAAS_SECRETS_KEY} (base64 of
 * 32 bytes), or a key file (mode 0600) made on first start; a copy of the database alone reveals
 * no secret.
 */
public final class SecretCipher {

    private static final byte VERSION = 1;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private SecretCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the secrets key must be 32 bytes (base64 of 32 random bytes), not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The key given as base64 text, else the key file, made (0600) if it does not exist yet. */
    public static SecretCipher from(String base64Key, Path keyFile) {
        if (base64Key != null && !base64Key.isBlank()) {
            return new SecretCipher(Base64.getDecoder().decode(base64Key.strip()));
        }
        try {
            if (!Files.exists(keyFile)) {
                var fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Files.createDirectories(keyFile.toAbsolutePath().getParent());
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(keyFile, Base64.getEncoder().encodeToString(fresh) + "\n");
            }
            return new SecretCipher(Base64.getDecoder().decode(Files.readString(keyFile).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or make the secrets key " + keyFile, e);
        }
    }

    byte[] seal(String namespace, String name, byte[] value) {
        var nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associated(namespace, name));
            var sealed = cipher.doFinal(value);
            return ByteBuffer.allocate(1 + NONCE + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal secret " + namespace + "/" + name, e);
        }
    }

    /** @throws IllegalStateException when the value was sealed with another key or for another secret */
    byte[] open(String namespace, String name, byte[] sealed) {
        if (sealed.length < 1 + NONCE || sealed[0] != VERSION) {
            throw new IllegalStateException("secret " + namespace + "/" + name + " is not sealed in a form this jfaas reads");
        }
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE));
            cipher.updateAAD(associated(namespace, name));
            return cipher.doFinal(sealed, 1 + NONCE, sealed.length - 1 - NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret " + namespace + "/" + name + " does not open with this key "
                    + "(was JFAAS_SECRETS_KEY or the key file changed?)", e);
        }
    }

    private static byte[] associated(String namespace, String name) {
        return (namespace + "/" + name).getBytes(StandardCharsets.UTF_8);
    }
}
