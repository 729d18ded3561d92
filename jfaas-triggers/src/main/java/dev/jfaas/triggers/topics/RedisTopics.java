package dev.jfaas.triggers.topics;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Header;
import dev.jfaas.triggers.TriggerEvent;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics on Redis: {@code stream:<key>} is a stream read through a consumer group of the
 * function's (gateways share it; an entry is acknowledged with XACK once its call is stored, and a
 * gateway that restarts reads its own unacknowledged entries first). Any other name is a pub/sub
 * channel: at most once, and every gateway subscribed gets every message, as Redis pub/sub is.
 * A stream entry's {@code body} field is the body (or its only field); other fields become headers.
 */
public final class RedisTopics implements TopicBroker {

    private static final Logger log = LoggerFactory.getLogger(RedisTopics.class);
    static final String STREAM = "stream:";
    static final int BATCH = 64;
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final String address;
    private final String gatewayId;

    private RedisTopics(RedisClient client, String address, String gatewayId) {
        this.client = client;
        this.address = address;
        this.gatewayId = gatewayId;
    }

    static RedisTopics connect(String url, String gatewayId) {
        var client = RedisClient.create(url);
        try (var probe = client.connect()) {
            probe.sync().ping();
        } catch (RuntimeException e) {
            client.shutdown();
            throw new IllegalStateException("JFAAS_TRIGGERS: cannot connect to Redis at " + Brokers.address(url) + ": " + e.getMessage(), e);
        }
        return new RedisTopics(client, Brokers.address(url), gatewayId);
    }

    @Override
    public String scheme() {
        return "redis";
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public Subscription subscribe(FunctionName function, String topic, Handler handler) throws Exception {
        return topic.startsWith(STREAM) ? stream(function, topic.substring(STREAM.length()), handler) : channel(topic, handler);
    }

    private Subscription channel(String channel, Handler handler) {
        var connection = client.connectPubSub(CODEC);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, byte[] message) {
                var headers = List.of(new Header("X-Connector", "redis"), new Header("X-Topic", from));
                handler.accept(new TriggerEvent("redis", from, message, headers, null, null, null));
            }
        });
        connection.sync().subscribe(channel);
        return new Subscription() {
            @Override
            public void close() {
                connection.close();
            }

            @Override
            public String state() {
                return connection.isOpen() ? "subscribed (pub/sub, at most once, to every gateway)" : "closed";
            }
        };
    }

    private Subscription stream(FunctionName function, String key, Handler handler) {
        var group = TopicBroker.durableName(function, STREAM + key);
        var connection = client.connect(CODEC);
        var commands = connection.sync();
        try {
            commands.xgroupCreate(XReadArgs.StreamOffset.from(key, "$"), group, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException exists) {
            // the group is there from an earlier start or another gateway: go on where it is
        }
        var consumer = Consumer.from(group, gatewayId);
        var running = new java.util.concurrent.atomic.AtomicBoolean(true);
        var reader = Thread.ofPlatform().daemon().name("redis-stream-" + key).start(() -> {
            boolean pending = true; // first what this gateway had taken and not acknowledged
            while (running.get()) {
                try {
                    var offset = pending ? XReadArgs.StreamOffset.from(key, "0") : XReadArgs.StreamOffset.lastConsumed(key);
                    List<StreamMessage<String, byte[]>> entries = commands.xreadgroup(consumer,
                            XReadArgs.Builder.block(1000).count(BATCH), offset);
                    if (pending && entries.isEmpty()) {
                        pending = false;
                        continue;
                    }
                    var stored = new ArrayList<CompletableFuture<?>>();
                    var ids = new ArrayList<String>();
                    for (var entry : entries) {
                        stored.add(handler.accept(event(key, entry)).toCompletableFuture().handle((ok, failure) -> {
                            if (!(failure instanceof IllegalStateException)) {
                                synchronized (ids) {
                                    ids.add(entry.getId());
                                }
                            }
                            return null;
                        }));
                    }
                    CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).join();
                    if (!ids.isEmpty()) {
                        commands.xack(key, group, ids.toArray(String[]::new));
                    }
                } catch (RuntimeException e) {
                    if (running.get()) {
                        log.info("Redis: reading stream {} for {}: {}; again in 1 s", key, function, e.getMessage());
                        sleep();
                    }
                }
            }
        });
        return new Subscription() {
            @Override
            public void close() {
                running.set(false);
                reader.interrupt();
                connection.close();
            }

            @Override
            public void forget() {
                close();
                try (var other = client.connect(CODEC)) {
                    other.sync().xgroupDestroy(key, group);
                } catch (RuntimeException e) {
                    log.debug("Redis: could not drop group {} of {}: {}", group, key, e.getMessage());
                }
            }

            @Override
            public String state() {
                return connection.isOpen() ? "subscribed (stream " + key + ", group " + group + ")" : "closed";
            }
        };
    }

    private static TriggerEvent event(String key, StreamMessage<String, byte[]> entry) {
        var fields = entry.getBody();
        byte[] body = fields.containsKey("body") ? fields.get("body")
                : fields.size() == 1 ? fields.values().iterator().next() : new byte[0];
        var headers = new ArrayList<Header>();
        headers.add(new Header("X-Connector", "redis"));
        headers.add(new Header("X-Topic", STREAM + key));
        headers.add(new Header("X-Message-Id", entry.getId()));
        fields.forEach((name, value) -> {
            if (!name.equals("body") && (fields.size() > 1 || fields.containsKey("body"))) {
                headers.add(new Header(name, new String(value, StandardCharsets.UTF_8)));
            }
        });
        var millis = entry.getId().substring(0, entry.getId().indexOf('-'));
        return new TriggerEvent("redis", STREAM + key, body, headers, "redis:" + key + ":" + entry.getId(),
                Instant.ofEpochMilli(Long.parseLong(millis)), null);
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
