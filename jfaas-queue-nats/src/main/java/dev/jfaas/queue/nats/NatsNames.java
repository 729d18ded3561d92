package dev.jfaas.queue.nats;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The names jfaas gives things on a NATS server. Queue names and call ids come from users, so a
 * name that is not plain letters, digits and '-' is written as '_' + hex: subject tokens, stream
 * names and KV keys all accept that, and it cannot collide with a plain name (those have no '_').
 */
final class NatsNames {

    static final int PRIORITIES = 10;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9-]{1,120}");

    private final String prefix;

    NatsNames(String prefix) {
        this.prefix = prefix;
    }

    static String token(String text) {
        return PLAIN.matcher(text).matches() ? text : "_" + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The work stream of one named queue (work-queue retention: a message lives until acked). */
    String workStream(String queue) {
        return prefix + "_Q_" + token(queue);
    }

    String workSubjects(String queue) {
        return prefix + ".q." + token(queue) + ".*";
    }

    String workSubject(String queue, int priority) {
        return prefix + ".q." + token(queue) + "." + priority;
    }

    /** One durable pull consumer per priority level, shared by every worker. */
    static String consumer(int priority) {
        return "p" + priority;
    }

    /** Dead and failed calls' requests, one subject per call, kept for replay. */
    String deadStream() {
        return prefix + "_DEAD";
    }

    String deadSubjects() {
        return prefix + ".dead.*";
    }

    String deadSubject(String callId) {
        return prefix + ".dead." + token(callId);
    }

    String bucket() {
        return prefix + "_calls";
    }

    static String documentKey(String callId) {
        return "c." + token(callId);
    }

    static String resultKey(String callId) {
        return "r." + token(callId);
    }

    /** Hashed: idempotency keys are the caller's and may be long. */
    static String idempotencyKey(String qualifiedFunction, String key) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest((qualifiedFunction + "|" + key).getBytes(StandardCharsets.UTF_8));
            return "i." + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
