package dev.jfaas.queue.document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names a broker can use for user-given text (queue names, call ids): plain letters, digits and
 * '-' stay as they are, anything else becomes '_' + hex, which NATS subjects, stream names, KV
 * keys and Redis keys all accept and which cannot collide with a plain name (those have no '_').
 */
public final class DocumentKeys {


    private DocumentKeys() {}

    public static String token(String text) {
        return isPlain(text) ? text : "_" + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Letters, digits and '-', 1 to 120 of them (a loop: this runs several times per call). */
    private static boolean isPlain(String text) {
        int n = text.length();
        if (n == 0 || n > 120) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The text a {@link #token} stands for. */
    public static String untoken(String token) {
        return token.startsWith("_") ? new String(HexFormat.of().parseHex(token.substring(1)), StandardCharsets.UTF_8) : token;
    }

    public static String document(String callId) {
        return "c." + token(callId);
    }

    /** The result one lease (attempt) of a call got. */
    public static String result(String callId, String leaseToken) {
        return "r." + token(callId) + "." + token(leaseToken);
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
