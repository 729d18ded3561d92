package dev.jfaas.queue.document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names a broker can use for user-given text (queue names, call ids): plain letters, digits and
 * '-' stay as they are, anything else becomes '_' + hex, which NATS subjects, stream names, KV
 * keys and Redis keys all accept and which cannot collide with a plain name (those have no '_').
 */
public final class DocumentKeys {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9-]{1,120}");

    private DocumentKeys() {}

    public static String token(String text) {
        return PLAIN.matcher(text).matches() ? text : "_" + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The text a {@link #token} stands for. */
    public static String untoken(String token) {
        return token.startsWith("_") ? new String(HexFormat.of().parseHex(token.substring(1)), StandardCharsets.UTF_8) : token;
    }

    public static String document(String callId) {
        return "c." + token(callId);
    }

    public static String result(String callId) {
        return "r." + token(callId);
    }

    /** Hashed: idempotency keys are the caller's and may be long. */
    public static String idempotency(String qualifiedFunction, String key) {
        try {
            var digest = MessageDigest.getInstance("SHA-256")
                    .digest((qualifiedFunction + "|" + key).getBytes(StandardCharsets.UTF_8));
            return "i." + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
