package dev.jfaas.queue.redis;

import static dev.jfaas.queue.redis.RedisScripting.bytes;
import static dev.jfaas.queue.redis.RedisScripting.number;

import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.document.CallBroker;
import dev.jfaas.queue.document.CallDocument;
import dev.jfaas.queue.document.CallTally;
import dev.jfaas.queue.document.DocumentCallQueue;
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
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis operations the queue is built from. Every change of more than one key is a Lua
 * script, so it is atomic; one multiplexed Lettuce connection carries everything.
 *
 * <p>Lettuce was chosen over Jedis because one thread-safe connection serves every virtual
 * thread without a pool, it reconnects by itself, and it can refuse commands at once while
 * disconnected instead of queueing them (so an accept answers 503, never a late 202).
 */
final class RedisBroker implements CallBroker {

    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
    private static final String GROUP = "jfaas";

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisCommands<byte[], byte[]> redis;
    private final RedisSettings settings;
    private final String consumer = "c-" + UUID.randomUUID();
    /** Queues whose streams of an earlier version this process has split ({@link #prepare}). */
    private final Set<String> prepared = ConcurrentHashMap.newKeySet();
    private final RedisScripting scripts;
    private final RedisDocuments documents;

    private RedisBroker(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection, RedisSettings settings) {
        this.client = client;
        this.connection = connection;
        this.redis = connection.sync();
        this.settings = settings;
        this.scripts = new RedisScripting(connection, settings.prefix());
        this.documents = new RedisDocuments(connection, scripts, settings);
    }

    static RedisBroker connect(RedisSettings settings) {
        var uri = RedisURI.create(settings.url());
        uri.setTimeout(settings.requestTimeout());
        var client = RedisClient.create(DefaultClientResources.builder().nettyCustomizer(new NettyCustomizer() {
            // Lettuce writes and flushes each command on its own: one socket write per command.
            // Flushes asked for while others are queued are merged into one, sent when the
            // channel's event loop gets to it (bench/README.md).
            @Override
            public void afterChannelInitialized(Channel channel) {
                channel.pipeline().addFirst(new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
            }
        }).build(), uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .timeoutOptions(TimeoutOptions.enabled(settings.requestTimeout())).build());
        try {
            var broker = new RedisBroker(client, client.connect(ByteArrayCodec.INSTANCE), settings);
            broker.documents.migrate();
            return broker;
        } catch (RedisException e) {
            client.shutdown();
            client.getResources().shutdown();
            throw new QueueUnavailable("cannot reach Redis at " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void requireConnected() {
        if (!connection.isOpen()) {
            throw new QueueUnavailable("the Redis server is unreachable");
        }
    }

    // ---- documents (RedisDocuments) -----------------------------------------------------------

    @Override
    public Stored get(String name) {
        return documents.get(name);
    }

    @Override
    public CompletableFuture<Stored> getAsync(String name) {
        return documents.getAsync(name);
    }

    @Override
    public boolean create(String name, byte[] value) {
        return documents.create(name, value);
    }

    @Override
    public CompletableFuture<Long> createAsync(String name, byte[] value) {
        return documents.createAsync(name, value);
    }

    @Override
    public long update(String name, byte[] value, long revision) {
        return documents.update(name, value, revision);
    }

    @Override
    public CompletableFuture<Long> updateAsync(String name, byte[] value, long revision) {
        return documents.updateAsync(name, value, revision);
    }

    @Override
    public void put(String name, byte[] value) {
        documents.put(name, value);
    }

    @Override
    public CompletableFuture<Void> putAsync(String name, byte[] value) {
        return documents.putAsync(name, value);
    }

    @Override
    public void delete(String name) {
        documents.delete(name);
    }

    @Override
    public void eachDocument(Consumer<CallDocument> visitor) {
        documents.eachDocument(visitor);
    }

    @Override
    public void eachDocumentWrittenBefore(Instant before, Consumer<CallDocument> visitor) {
        documents.eachDocumentWrittenBefore(before, visitor);
    }

    /** Kept by the scripts that add and remove entries, so reading it is one short script. */
    @Override
    public List<QueueStats> load() {
        List<Object> parts = scripts.run(RedisScripts.LOAD, ScriptOutputType.MULTI, new byte[][] {scripts.key("load"), scripts.key("dead-count"), scripts.key("streams")});
        var depth = pairs((List<?>) parts.get(0));
        var dead = pairs((List<?>) parts.get(1));
        var oldest = new HashMap<String, Instant>();
        pairs((List<?>) parts.get(2)).forEach((stream, id) -> {
            var rest = stream.substring(stream.indexOf(":q:") + 3);
            var queue = rest.substring(0, rest.indexOf(':'));
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

    /** One stream per queue, priority and function, so each function's calls are fetched apart. */
    private String stream(String queue, int priority, FunctionName function) {
        return queueStreams(queue) + priority + ":" + DocumentKeys.token(function.qualified());
    }

    /** What every work stream of a queue's name starts with. */
    private String queueStreams(String queue) {
        return settings.prefix() + ":q:" + DocumentKeys.token(queue) + ":";
    }

    /**
     * Splits an earlier version's streams (one per queue and priority, over every function) into
     * per-function ones, once per queue and process; a no-op on a queue that has none.
     */
    @Override
    public void prepare(String queue) {
        if (prepared.contains(queue)) {
            return;
        }
        for (int priority = 0; priority < DocumentCallQueue.PRIORITIES; priority++) {
            Long moved = scripts.run(RedisScripts.SPLIT_BY_FUNCTION, ScriptOutputType.INTEGER,
                    new byte[][] {bytes(queueStreams(queue) + priority), scripts.key("streams")}, bytes(GROUP));
            if (moved != null && moved > 0) {
                log.info("moved {} queued calls of queue {} at priority {} into per-function streams", moved, queue, priority);
            }
        }
        prepared.add(queue);
    }

    @Override
    public CompletableFuture<Void> publish(QueuedCall call, byte[] message, String messageId, long revision) {
        var stream = stream(call.queue(), call.priority(), call.function());
        return scripts.<Long>runAsync(RedisScripts.PUBLISH, ScriptOutputType.INTEGER,
                new byte[][] {bytes(stream), scripts.key("load"), scripts.key("streams")}, bytes(call.callId()),
                bytes(DocumentKeys.token(call.queue())), bytes(call.function().qualified()), message, number(revision),
                bytes(GROUP)).thenApply(added -> null);
    }

    /** One script, so a call's document and its message are stored together or not at all. */
    @Override
    public CompletableFuture<Long> createAndPublish(String name, byte[] document, QueuedCall call, byte[] message) {
        return scripts.<Long>runAsync(RedisScripts.CREATE_AND_PUBLISH, ScriptOutputType.INTEGER,
                new byte[][] {scripts.key(name), scripts.key(RedisDocuments.MADE), bytes(stream(call.queue(), call.priority(), call.function())),
                        scripts.key("load"), scripts.key("streams")},
                document, number(settings.recordTtl().toMillis()), bytes(call.callId()), bytes(DocumentKeys.token(call.queue())),
                bytes(call.function().qualified()), message, RedisDocuments.now(), bytes(GROUP)).thenApply(created -> created == 1 ? 1L : 0L);
    }

    /**
     * Pub/sub, not stored: a hint for idle workers, who poll anyway. Not waited for: it may be
     * called from Lettuce's own thread, where waiting for Lettuce would never end.
     */
    @Override
    public void announce(String queue) {
        connection.async().publish(scripts.key("arrived"), bytes(queue));
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
        subscriber.sync().subscribe(scripts.key("arrived"));
        return subscriber::close;
    }

    @Override
    public List<Backlog> backlog(String queue) {
        prepare(queue);
        var start = queueStreams(queue);
        List<byte[]> streams = scripts.run(RedisScripts.BACKLOG, ScriptOutputType.MULTI, new byte[][] {scripts.key("streams")},
                bytes(start));
        var out = new ArrayList<Backlog>();
        for (var name : streams) {
            var rest = new String(name, StandardCharsets.UTF_8).substring(start.length()).split(":");
            if (rest.length == 2) {
                out.add(new Backlog(Integer.parseInt(rest[0]), FunctionName.parse(DocumentKeys.untoken(rest[1]), null)));
            }
        }
        return out;
    }

    @Override
    public List<Delivery> fetch(String queue, int priority, FunctionName function, int max) {
        var stream = stream(queue, priority, function);
        List<Object> entries;
        try {
            entries = fetchScript(stream, max);
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().contains("NOGROUP")) {
                throw e;
            }
            return List.of(); // a Redis that restarted without its data: nothing there to fetch
        }
        var deliveries = new ArrayList<Delivery>(entries.size());
        for (var entry : entries) {
            var parts = (List<?>) entry;
            var id = new String((byte[]) parts.get(0), StandardCharsets.US_ASCII);
            var fields = (List<?>) parts.get(1);
            String callId = null;
            byte[] call = null;
            long revision = 0;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                var field = new String((byte[]) fields.get(i), StandardCharsets.UTF_8);
                if (field.equals("id")) {
                    callId = new String((byte[]) fields.get(i + 1), StandardCharsets.UTF_8);
                } else if (field.equals("call")) {
                    call = (byte[]) fields.get(i + 1);
                } else if (field.equals("rev")) {
                    revision = Long.parseLong(new String((byte[]) fields.get(i + 1), StandardCharsets.US_ASCII));
                }
            }
            // Every delivery of an entry carries the revision it was queued with: after the first,
            // the compare-and-set on it fails and the document is read, at the cost of one script.
            deliveries.add(new Delivery(callId, call, stream + " " + id, revision));
        }
        return deliveries;
    }

    private List<Object> fetchScript(String stream, int max) {
        return scripts.run(RedisScripts.FETCH, ScriptOutputType.MULTI, new byte[][] {bytes(stream), bytes(stream + ":due")},
                bytes(GROUP), bytes(consumer), number(System.currentTimeMillis()), number(max),
                number(settings.redeliverAfter().toMillis()));
    }

    @Override
    public void ack(String handle) {
        var at = handle.indexOf(' ');
        var stream = handle.substring(0, at);
        scripts.runAsync(RedisScripts.ACK, ScriptOutputType.INTEGER, new byte[][] {bytes(stream), bytes(stream + ":due"), scripts.key("load")},
                bytes(GROUP), bytes(handle.substring(at + 1)));
    }

    /**
     * Into the stream's sorted set of hand-backs, scored by when it is due; the entry stays
     * pending. Like the ack, not waited for: the connection keeps the order of commands.
     */
    @Override
    public void nak(String handle, Duration delay) {
        var at = handle.indexOf(' ');
        var stream = handle.substring(0, at);
        long due = System.currentTimeMillis() + Math.max(0, delay.toMillis());
        connection.async().zadd(bytes(stream + ":due"), (double) due, bytes(handle.substring(at + 1)));
    }

    // ---- dead letters ---------------------------------------------------------------------------

    @Override
    public void keepDeadLetter(QueuedCall call, byte[] message) {
        scripts.run(RedisScripts.KEEP_DEAD, ScriptOutputType.INTEGER, new byte[][] {scripts.key("dead"), scripts.key("dead-index"), scripts.key("dead-count")},
                bytes(call.callId()), message, bytes(countField(call.queue(), call.function().qualified())));
    }

    @Override
    public byte[] deadLetter(CallDocument call) {
        return scripts.run(RedisScripts.DEAD_LETTER, ScriptOutputType.VALUE, new byte[][] {scripts.key("dead"), scripts.key("dead-index")}, bytes(call.callId()));
    }

    @Override
    public void purgeDeadLetter(CallDocument call) {
        scripts.run(RedisScripts.PURGE_DEAD, ScriptOutputType.INTEGER, new byte[][] {scripts.key("dead"), scripts.key("dead-index"), scripts.key("dead-count")},
                bytes(call.callId()), bytes(countField(call.queue(), call.functionName().qualified())));
    }

    private static String countField(String queue, String qualifiedFunction) {
        return DocumentKeys.token(queue) + " " + qualifiedFunction;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        client.getResources().shutdown(); // made here, not by the client: it leaves them running
    }
}
