package dev.jfaas.queue.redis;

import static dev.jfaas.queue.redis.RedisScripting.bytes;
import static dev.jfaas.queue.redis.RedisScripting.number;

import dev.jfaas.queue.document.CallBroker;
import dev.jfaas.queue.document.CallCodec;
import dev.jfaas.queue.document.CallDocument;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Call documents, results and idempotency keys: hashes of a value and a revision, written by
 * compare-and-set scripts, with an index of call documents ({@link #MADE}) for passes over them.
 * {@link RedisBroker} hands its document operations here.
 */
final class RedisDocuments {

    /** The index of call documents: a sorted set of their keys, scored by when each was made (ms). */
    static final String MADE = "made";
    /** Documents one script reads at most (see {@link RedisScripts#DOCUMENTS_MADE_BEFORE}). */
    private static final long DOCUMENTS_PER_BATCH = 500;

    private final StatefulRedisConnection<byte[], byte[]> redis;
    private final RedisScripting scripts;
    private final RedisSettings settings;

    RedisDocuments(StatefulRedisConnection<byte[], byte[]> redis, RedisScripting scripts, RedisSettings settings) {
        this.redis = redis;
        this.scripts = scripts;
        this.settings = settings;
    }

    /** This process's clock, as a document's score in the index: the sweep's cutoff is read from it too. */
    static byte[] now() {
        return number(System.currentTimeMillis());
    }

    /** Takes over the index of an earlier version (a plain set), if there is one. */
    void migrate() {
        scripts.run(RedisScripts.MIGRATE_DOCUMENTS, ScriptOutputType.INTEGER, new byte[][] {scripts.key("docs"), scripts.key(MADE)});
    }

    CallBroker.Stored get(String name) {
        return stored(redis.sync().hmget(scripts.key(name), bytes("v"), bytes("r")));
    }

    CompletableFuture<CallBroker.Stored> getAsync(String name) {
        return redis.async().hmget(scripts.key(name), bytes("v"), bytes("r")).toCompletableFuture().thenApply(RedisDocuments::stored);
    }

    /** The value and revision fields of a document's hash, or null if it has none. */
    private static CallBroker.Stored stored(List<KeyValue<byte[], byte[]>> fields) {
        if (fields.isEmpty() || !fields.get(0).hasValue()) {
            return null;
        }
        return new CallBroker.Stored(fields.get(0).getValue(), Long.parseLong(new String(fields.get(1).getValue(), StandardCharsets.US_ASCII)));
    }

    boolean create(String name, byte[] value) {
        Long created = scripts.run(RedisScripts.CREATE, ScriptOutputType.INTEGER, createKeys(name), createArgs(name, value));
        return created == 1;
    }

    CompletableFuture<Long> createAsync(String name, byte[] value) {
        return scripts.<Long>runAsync(RedisScripts.CREATE, ScriptOutputType.INTEGER, createKeys(name), createArgs(name, value))
                .thenApply(created -> created == 1 ? 1L : 0L); // CREATE starts at 1
    }

    private byte[][] createKeys(String name) {
        return new byte[][] {scripts.key(name), scripts.key(MADE)};
    }

    /** Only call documents ({@code c.} keys) enter the index. */
    private byte[][] createArgs(String name, byte[] value) {
        return new byte[][] {value, number(settings.recordTtl().toMillis()), bytes(name.startsWith("c.") ? "1" : "0"), now()};
    }

    long update(String name, byte[] value, long revision) {
        Long updated = scripts.run(RedisScripts.UPDATE, ScriptOutputType.INTEGER, new byte[][] {scripts.key(name)}, value, number(revision),
                number(settings.recordTtl().toMillis()));
        return updated;
    }

    CompletableFuture<Long> updateAsync(String name, byte[] value, long revision) {
        return scripts.runAsync(RedisScripts.UPDATE, ScriptOutputType.INTEGER, new byte[][] {scripts.key(name)}, value, number(revision),
                number(settings.recordTtl().toMillis()));
    }

    CompletableFuture<Void> putAsync(String name, byte[] value) {
        return scripts.<Long>runAsync(RedisScripts.PUT, ScriptOutputType.INTEGER, new byte[][] {scripts.key(name)}, value,
                number(settings.recordTtl().toMillis())).thenApply(written -> null);
    }

    void put(String name, byte[] value) {
        scripts.run(RedisScripts.PUT, ScriptOutputType.INTEGER, new byte[][] {scripts.key(name)}, value, number(settings.recordTtl().toMillis()));
    }

    void delete(String name) {
        redis.sync().del(scripts.key(name));
        redis.sync().zrem(scripts.key(MADE), scripts.key(name));
    }

    void eachDocument(Consumer<CallDocument> visitor) {
        var cursor = bytes("0");
        do {
            List<Object> batch = scripts.run(RedisScripts.DOCUMENTS, ScriptOutputType.MULTI, new byte[][] {scripts.key(MADE)}, cursor);
            cursor = (byte[]) batch.getFirst();
            for (var value : batch.subList(1, batch.size())) {
                visitor.accept(CallCodec.document((byte[]) value));
            }
        } while (!new String(cursor, StandardCharsets.US_ASCII).equals("0"));
    }

    /**
     * The index orders documents by when they were made, and a call is made before it finishes:
     * the documents made before {@code before} hold every call finished before it, so the sweep of
     * finished calls reads those, not a backlog queued since.
     */
    void eachDocumentWrittenBefore(Instant before, Consumer<CallDocument> visitor) {
        byte[] from = bytes("-inf");
        byte[] skip = number(0);
        long looked;
        do {
            List<Object> batch = scripts.run(RedisScripts.DOCUMENTS_MADE_BEFORE, ScriptOutputType.MULTI, new byte[][] {scripts.key(MADE)},
                    from, skip, number(before.toEpochMilli()));
            looked = (Long) batch.get(0);
            from = (byte[]) batch.get(1);
            skip = number((Long) batch.get(2));
            for (var value : batch.subList(3, batch.size())) {
                visitor.accept(CallCodec.document((byte[]) value));
            }
        } while (looked == DOCUMENTS_PER_BATCH);
    }
}
