package dev.jfaas.queue.nats;

import dev.jfaas.queue.document.DocumentKeys;

/**
 * The names jfaas gives things on a NATS server; user-given parts go through
 * {@link DocumentKeys#token}. Documents use {@link DocumentKeys}' names as KV keys.
 */
final class NatsNames {

    private final String prefix;

    NatsNames(String prefix) {
        this.prefix = prefix;
    }

    /** The work stream of one named queue (work-queue retention: a message lives until acked). */
    String workStream(String queue) {
        return prefix + "_Q_" + DocumentKeys.token(queue);
    }

    /** {@code <prefix>.q.<queue>.<priority>.<function>}: the function in the subject lets the stream count calls per function. */
    String workSubject(String queue, int priority, String qualifiedFunction) {
        return prefix + ".q." + DocumentKeys.token(queue) + "." + priority + "." + DocumentKeys.token(qualifiedFunction);
    }

    String workSubjects(String queue) {
        return prefix + ".q." + DocumentKeys.token(queue) + ".>";
    }

    /** Every work subject of every queue. */
    String allWorkSubjects() {
        return prefix + ".q.>";
    }

    /**
     * One durable pull consumer per priority and function, shared by every worker: each
     * function's calls are fetched apart, so a backlog of one is never in the way of another's.
     * Named by a hash, as function names may be longer than a consumer's name should be.
     */
    static String consumer(int priority, String qualifiedFunction) {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(qualifiedFunction.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "p" + priority + "-" + java.util.HexFormat.of().formatHex(digest, 0, 10);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The consumers of earlier versions, one per priority over every function, which the per-function ones replace. */
    static String priorityConsumer(int priority) {
        return "p" + priority;
    }

    /** Dead and failed calls' requests, one subject per call, kept for replay. */
    String deadStream() {
        return prefix + "_DEAD";
    }

    String deadSubjects() {
        return prefix + ".dead.>";
    }

    /** {@code <prefix>.dead.<queue>.<function>.<call>}: one subject per call, countable per function. */
    String deadSubject(String queue, String qualifiedFunction, String callId) {
        return prefix + ".dead." + DocumentKeys.token(queue) + "." + DocumentKeys.token(qualifiedFunction) + "."
                + DocumentKeys.token(callId);
    }

    /** Core subjects {@code <prefix>.arrived.<queue>}: "a call was queued here". */
    String arrivals() {
        return prefix + ".arrived";
    }

    String bucket() {
        return prefix + "_calls";
    }
}
