package dev.jfaas.queue.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Runs {@link RedisScripts} by their SHA on one connection, and names keys under the installation's prefix. */
final class RedisScripting {

    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisCommands<byte[], byte[]> redis;
    private final String prefix;
    private final Map<String, String> scriptShas = new ConcurrentHashMap<>();

    RedisScripting(StatefulRedisConnection<byte[], byte[]> connection, String prefix) {
        this.connection = connection;
        this.redis = connection.sync();
        this.prefix = prefix;
    }

    byte[] key(String name) {
        return bytes(prefix + ":" + name);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] number(long n) {
        return bytes(Long.toString(n));
    }

    /**
     * Runs a script by its SHA (the text crosses the wire once); a server that restarted has
     * forgotten it, so a NOSCRIPT answer loads it again.
     */
    <T> T run(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        var sha = scriptShas.computeIfAbsent(script, text -> redis.scriptLoad(bytes(text)));
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException forgotten) {
            scriptShas.put(script, redis.scriptLoad(bytes(script)));
            return redis.evalsha(scriptShas.get(script), type, keys, args);
        }
    }

    /**
     * As {@link #run}, without a thread waiting for the answer, loading the script the same way
     * if needed: this may run on Lettuce's own thread, where waiting for Lettuce never ends.
     */
    <T> CompletableFuture<T> runAsync(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        var known = scriptShas.get(script);
        if (known == null) {
            return loadAndRun(script, type, keys, args);
        }
        CompletableFuture<T> first = connection.async().<T>evalsha(known, type, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(failure -> {
            var cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            return cause instanceof RedisNoScriptException ? loadAndRun(script, type, keys, args) : CompletableFuture.failedFuture(cause);
        });
    }

    private <T> CompletableFuture<T> loadAndRun(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return connection.async().scriptLoad(bytes(script)).toCompletableFuture().thenCompose(sha -> {
            scriptShas.put(script, sha);
            return connection.async().<T>evalsha(sha, type, keys, args).toCompletableFuture();
        });
    }
}
