package dev.jfaas.queue.redis;

import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.document.CallBroker;
import dev.jfaas.queue.document.CallCodec;
import dev.jfaas.queue.document.CallDocument;
import dev.jfaas.queue.document.CallTally;
import dev.jfaas.queue.document.DocumentKeys;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The Redis operations the queue is built from. Every change of more than one key is a Lua
 * script, so it is atomic; one multiplexed Lettuce connection carries everything.
 *
 * <p>Lettuce was chosen over Jedis because one thread-safe connection serves every virtual
 * thread without a pool, it reconnects by itself, and it can refuse commands at once while
 * disconnected instead of queueing them (so an accept answers 503, never a late 202).
 */
final class RedisBroker implements CallBroker {

    private static final String GROUP = "jfaas";

    private static final String CREATE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'r', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            if ARGV[3] == '1' then redis.call('SADD', KEYS[2], KEYS[1]) end
            return 1""";
    private static final String UPDATE = """
            if redis.call('HGET', KEYS[1], 'r') ~= ARGV[2] then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[1])
            redis.call('HINCRBY', KEYS[1], 'r', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1""";
    private static final String PUT = """
            redis.call('HSET', KEYS[1], 'v', ARGV[1])
            redis.call('HINCRBY', KEYS[1], 'r', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1""";
    /** One batch of documents: the next cursor first, then the values; expired keys leave the index. */
    private static final String DOCUMENTS = """
            local r = redis.call('SSCAN', KEYS[1], ARGV[1], 'COUNT', 500)
            local out = {r[1]}
            for _, k in ipairs(r[2]) do
              local v = redis.call('HGET', k, 'v')
              if v then out[#out + 1] = v else redis.call('SREM', KEYS[1], k) end
            end
            return out""";
    /** The entry carries its queue and function, so the load count can follow it in and out. */
    private static final String PUBLISH = """
            redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'q', ARGV[2], 'fn', ARGV[3], 'call', ARGV[4])
            redis.call('HINCRBY', KEYS[2], ARGV[2] .. ' ' .. ARGV[3], 1)
            redis.call('SADD', KEYS[3], KEYS[1])
            return 1""";
    private static final String LOAD = """
            local oldest = {}
            for _, s in ipairs(redis.call('SMEMBERS', KEYS[3])) do
              local first = redis.call('XRANGE', s, '-', '+', 'COUNT', 1)
              if #first > 0 then oldest[#oldest + 1] = s; oldest[#oldest + 1] = first[1][1] end
            end
            return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), oldest}""";
    /** Due hand-backs first, then deliveries abandoned by dead workers, then new entries. */
    private static final String FETCH = """
            local max = tonumber(ARGV[4])
            local out = {}
            local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3], 'LIMIT', 0, max)
            if #due > 0 then
              redis.call('ZREM', KEYS[2], unpack(due))
              for _, e in ipairs(redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, unpack(due))) do
                if e and e[2] then out[#out + 1] = e end
              end
            end
            if #out < max then
              local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[5], '0-0', 'COUNT', max - #out)
              for _, e in ipairs(r[2]) do
                if e and e[2] then out[#out + 1] = e end
              end
            end
            if #out < max then
              local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', max - #out, 'STREAMS', KEYS[1], '>')
              if r then
                for _, e in ipairs(r[1][2]) do out[#out + 1] = e end
              end
            end
            return out""";
    private static final String ACK = """
            local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
            if #e > 0 then
              local f, q, fn = e[1][2], nil, nil
              for i = 1, #f, 2 do
                if f[i] == 'q' then q = f[i + 1] elseif f[i] == 'fn' then fn = f[i + 1] end
              end
              if q and fn then redis.call('HINCRBY', KEYS[3], q .. ' ' .. fn, -1) end
              redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
              redis.call('XDEL', KEYS[1], ARGV[2])
            end
            redis.call('ZREM', KEYS[2], ARGV[2])
            return 1""";
    private static final String KEEP_DEAD = """
            local old = redis.call('HGET', KEYS[2], ARGV[1])
            if old then redis.call('XDEL', KEYS[1], old) else redis.call('HINCRBY', KEYS[3], ARGV[3], 1) end
            local id = redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'count', ARGV[3], 'call', ARGV[2])
            redis.call('HSET', KEYS[2], ARGV[1], id)
            return 1""";
    private static final String DEAD_LETTER = """
            local id = redis.call('HGET', KEYS[2], ARGV[1])
            if not id then return false end
            local e = redis.call('XRANGE', KEYS[1], id, id)
            if #e == 0 then return false end
            local f = e[1][2]
            for i = 1, #f, 2 do if f[i] == 'call' then return f[i + 1] end end
            return false""";
    private static final String PURGE_DEAD = """
            local id = redis.call('HGET', KEYS[2], ARGV[1])
            if id then
              redis.call('XDEL', KEYS[1], id)
              redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
            end
            redis.call('HDEL', KEYS[2], ARGV[1])
            return 1""";

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisCommands<byte[], byte[]> redis;
    private final RedisSettings settings;
    private final String consumer = "c-" + UUID.randomUUID();
    private final Map<String, Boolean> groups = new ConcurrentHashMap<>();

    private RedisBroker(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection, RedisSettings settings) {
        this.client = client;
        this.connection = connection;
        this.redis = connection.sync();
        this.settings = settings;
    }

    static RedisBroker connect(RedisSettings settings) {
        var uri = RedisURI.create(settings.url());
        uri.setTimeout(settings.requestTimeout());
        var client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .timeoutOptions(TimeoutOptions.enabled(settings.requestTimeout())).build());
        try {
            return new RedisBroker(client, client.connect(ByteArrayCodec.INSTANCE), settings);
        } catch (RedisException e) {
            client.shutdown();
            throw new QueueUnavailable("cannot reach Redis at " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    private byte[] key(String name) {
        return bytes(settings.prefix() + ":" + name);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long n) {
        return bytes(Long.toString(n));
    }

    private <T> T run(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return redis.eval(script, type, keys, args);
    }

    @Override
    public void requireConnected() {
        if (!connection.isOpen()) {
            throw new QueueUnavailable("the Redis server is unreachable");
        }
    }

    // ---- documents ---------------------------------------------------------------------------

    @Override
    public Stored get(String name) {
        var fields = redis.hmget(key(name), bytes("v"), bytes("r"));
        if (fields.isEmpty() || !fields.get(0).hasValue()) {
            return null;
        }
        return new Stored(fields.get(0).getValue(), Long.parseLong(new String(fields.get(1).getValue(), StandardCharsets.US_ASCII)));
    }

    @Override
    public boolean create(String name, byte[] value) {
        Long created = run(CREATE, ScriptOutputType.INTEGER, new byte[][] {key(name), key("docs")}, value,
                number(settings.recordTtl().toMillis()), bytes(name.startsWith("c.") ? "1" : "0"));
        return created == 1;
    }

    @Override
    public boolean update(String name, byte[] value, long revision) {
        Long updated = run(UPDATE, ScriptOutputType.INTEGER, new byte[][] {key(name)}, value, number(revision),
                number(settings.recordTtl().toMillis()));
        return updated == 1;
    }

    @Override
    public void put(String name, byte[] value) {
        run(PUT, ScriptOutputType.INTEGER, new byte[][] {key(name)}, value, number(settings.recordTtl().toMillis()));
    }

    @Override
    public void delete(String name) {
        redis.del(key(name));
        redis.srem(key("docs"), key(name));
    }

    @Override
    public void eachDocument(Consumer<CallDocument> visitor) {
        var cursor = bytes("0");
        do {
            List<Object> batch = run(DOCUMENTS, ScriptOutputType.MULTI, new byte[][] {key("docs")}, cursor);
            cursor = (byte[]) batch.getFirst();
            for (var value : batch.subList(1, batch.size())) {
                visitor.accept(CallCodec.document((byte[]) value));
            }
        } while (!new String(cursor, StandardCharsets.US_ASCII).equals("0"));
    }

    /** Kept by the scripts that add and remove entries, so reading it is one short script. */
    @Override
    public List<QueueStats> load() {
        List<Object> parts = run(LOAD, ScriptOutputType.MULTI, new byte[][] {key("load"), key("dead-count"), key("streams")});
        var depth = pairs((List<?>) parts.get(0));
        var dead = pairs((List<?>) parts.get(1));
        var oldest = new HashMap<String, Instant>();
        pairs((List<?>) parts.get(2)).forEach((stream, id) -> {
            var queue = stream.substring(stream.indexOf(":q:") + 3, stream.lastIndexOf(':'));
            var at = Instant.ofEpochMilli(Long.parseLong(id.substring(0, id.indexOf('-'))));
            oldest.merge(queue, at, (a, b) -> a.isBefore(b) ? a : b);
        });
        var keys = new java.util.LinkedHashSet<>(depth.keySet());
        keys.addAll(dead.keySet());
        var now = Instant.now();
        var out = new ArrayList<QueueStats>();
        for (var key : keys) {
            long waiting = Long.parseLong(depth.getOrDefault(key, "0"));
            long deadLetters = Long.parseLong(dead.getOrDefault(key, "0"));
            if (waiting == 0 && deadLetters == 0) {
                continue;
            }
            var queueToken = key.substring(0, key.indexOf(' '));
            var fn = FunctionName.parse(key.substring(key.indexOf(' ') + 1), null);
            out.add(new QueueStats(DocumentKeys.untoken(queueToken), fn.name(), fn.namespace(), waiting, 0, 0, deadLetters,
                    CallTally.ageSeconds(oldest.get(queueToken), now)));
        }
        return out;
    }

    private static Map<String, String> pairs(List<?> flat) {
        var map = new HashMap<String, String>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(new String((byte[]) flat.get(i), StandardCharsets.UTF_8), new String((byte[]) flat.get(i + 1), StandardCharsets.UTF_8));
        }
        return map;
    }

    // ---- work streams --------------------------------------------------------------------------

    private String stream(String queue, int priority) {
        return settings.prefix() + ":q:" + DocumentKeys.token(queue) + ":" + priority;
    }

    /** The consumer group starts at the stream's beginning, so entries added before it exist are read too. */
    private void ensureGroup(String stream) {
        if (groups.containsKey(stream)) {
            return;
        }
        try {
            redis.xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from(bytes(stream), "0"), bytes(GROUP),
                    io.lettuce.core.XGroupCreateArgs.Builder.mkstream());
        } catch (RedisCommandExecutionException e) {
            if (!e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
        groups.put(stream, true);
    }

    @Override
    public CompletableFuture<Void> publish(QueuedCall call, byte[] message, String messageId) {
        var stream = stream(call.queue(), call.priority());
        ensureGroup(stream);
        run(PUBLISH, ScriptOutputType.INTEGER, new byte[][] {bytes(stream), key("load"), key("streams")}, bytes(call.callId()),
                bytes(DocumentKeys.token(call.queue())), bytes(call.function().qualified()), message);
        return CompletableFuture.completedFuture(null);
    }

    /** Pub/sub, not stored: a hint for idle workers, who poll anyway. */
    @Override
    public void announce(String queue) {
        redis.publish(key("arrived"), bytes(queue));
    }

    @Override
    public AutoCloseable onAnnounce(Consumer<String> listener) {
        var subscriber = client.connectPubSub(ByteArrayCodec.INSTANCE);
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                listener.accept(new String(message, StandardCharsets.UTF_8));
            }
        });
        subscriber.sync().subscribe(key("arrived"));
        return subscriber::close;
    }

    @Override
    public List<Delivery> fetch(String queue, int priority, int max) {
        var stream = stream(queue, priority);
        ensureGroup(stream);
        List<Object> entries = run(FETCH, ScriptOutputType.MULTI, new byte[][] {bytes(stream), bytes(stream + ":due")},
                bytes(GROUP), bytes(consumer), number(System.currentTimeMillis()), number(max),
                number(settings.redeliverAfter().toMillis()));
        var deliveries = new ArrayList<Delivery>(entries.size());
        for (var entry : entries) {
            var parts = (List<?>) entry;
            var id = new String((byte[]) parts.get(0), StandardCharsets.US_ASCII);
            var fields = (List<?>) parts.get(1);
            String callId = null;
            byte[] call = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                var field = new String((byte[]) fields.get(i), StandardCharsets.UTF_8);
                if (field.equals("id")) {
                    callId = new String((byte[]) fields.get(i + 1), StandardCharsets.UTF_8);
                } else if (field.equals("call")) {
                    call = (byte[]) fields.get(i + 1);
                }
            }
            deliveries.add(new Delivery(callId, call, stream + " " + id));
        }
        return deliveries;
    }

    @Override
    public void ack(String handle) {
        var at = handle.indexOf(' ');
        var stream = handle.substring(0, at);
        run(ACK, ScriptOutputType.INTEGER, new byte[][] {bytes(stream), bytes(stream + ":due"), key("load")}, bytes(GROUP),
                bytes(handle.substring(at + 1)));
    }

    /** Into the stream's sorted set of hand-backs, scored by when it is due; the entry stays pending. */
    @Override
    public void nak(String handle, Duration delay) {
        var at = handle.indexOf(' ');
        var stream = handle.substring(0, at);
        long due = System.currentTimeMillis() + Math.max(0, delay.toMillis());
        redis.zadd(bytes(stream + ":due"), (double) due, bytes(handle.substring(at + 1)));
    }

    // ---- dead letters ---------------------------------------------------------------------------

    @Override
    public void keepDeadLetter(QueuedCall call, byte[] message) {
        run(KEEP_DEAD, ScriptOutputType.INTEGER, new byte[][] {key("dead"), key("dead-index"), key("dead-count")},
                bytes(call.callId()), message, bytes(countField(call.queue(), call.function().qualified())));
    }

    @Override
    public byte[] deadLetter(CallDocument call) {
        return run(DEAD_LETTER, ScriptOutputType.VALUE, new byte[][] {key("dead"), key("dead-index")}, bytes(call.callId()));
    }

    @Override
    public void purgeDeadLetter(CallDocument call) {
        run(PURGE_DEAD, ScriptOutputType.INTEGER, new byte[][] {key("dead"), key("dead-index"), key("dead-count")},
                bytes(call.callId()), bytes(countField(call.queue(), call.functionName().qualified())));
    }

    private static String countField(String queue, String qualifiedFunction) {
        return DocumentKeys.token(queue) + " " + qualifiedFunction;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
