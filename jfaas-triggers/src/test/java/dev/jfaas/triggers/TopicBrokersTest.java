package dev.jfaas.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.tck.BrokerAvailability;
import dev.jfaas.triggers.topics.Brokers;
import dev.jfaas.triggers.topics.TopicBroker;
import io.lettuce.core.RedisClient;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each broker for real: a message reaches the handler exactly as sent, with the connector's headers,
 * and what a durable subscription keeps is delivered after it was closed and opened again.
 */
class TopicBrokersTest {

    static final String NATS = "nats://127.0.0.1:4222";
    static final String MQTT = "mqtt://127.0.0.1:1883";
    static final String AMQP = "amqp://guest:guest@127.0.0.1:5672";
    static final String REDIS = "redis://127.0.0.1:6379";
    static final FunctionName FN = new FunctionName("listener", "openfaas-fn");
    static final byte[] BODY = "{\"order\": 66, \"text\": \"ünïcode\"}".getBytes(StandardCharsets.UTF_8);

    final String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final List<TriggerEvent> events = new CopyOnWriteArrayList<>();
    final TopicBroker.Handler taking = event -> {
        events.add(event);
        return CompletableFuture.completedFuture(null);
    };
    TopicBroker broker;

    @AfterEach
    void close() {
        if (broker != null) {
            broker.close();
        }
    }

    static String header(TriggerEvent event, String name) {
        return event.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
    }

    TriggerEvent awaitOne() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        return events.getFirst();
    }

    @Test
    void natsCoreAndJetStreamSubjects() throws Exception {
        BrokerAvailability.require("NATS", NATS);
        broker = Brokers.connectOne(NATS, "t" + unique);
        try (var nats = Nats.connect(NATS)) {
            var core = broker.subscribe(FN, "core." + unique, taking);
            nats.flush(Duration.ofSeconds(2));
            var headers = new io.nats.client.impl.Headers().add("X-Order", "66");
            nats.publish("core." + unique, headers, BODY);
            var event = awaitOne();
            assertThat(event.body()).isEqualTo(BODY);
            assertThat(header(event, "X-Topic")).isEqualTo("core." + unique);
            assertThat(header(event, "X-Order")).isEqualTo("66");
            assertThat(core.state()).contains("core NATS");
            core.forget();

            var jsm = nats.jetStreamManagement();
            var stream = "ORDERS_" + unique;
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects("js." + unique + ".>").build());
            try {
                events.clear();
                var durable = broker.subscribe(FN, "js." + unique + ".>", taking);
                assertThat(durable.state()).contains("JetStream stream " + stream);
                nats.jetStream().publish("js." + unique + ".new", BODY);
                var first = awaitOne();
                assertThat(first.body()).isEqualTo(BODY);
                assertThat(first.idempotencyKey()).isEqualTo("nats:" + stream + ":1");
                assertThat(first.sentAt()).isNotNull();

                durable.close(); // the consumer stays: what comes meanwhile waits for it
                // Until the server's consumer has seen the unsubscribe it may still push a message to
                // the old subscription, where it waits out the 60 s ack wait before coming again.
                var consumer = TopicBroker.durableName(FN, "js." + unique + ".>");
                await().atMost(Duration.ofSeconds(5)).until(() -> !jsm.getConsumerInfo(stream, consumer).isPushBound());
                nats.jetStream().publish("js." + unique + ".later", "while away".getBytes(StandardCharsets.UTF_8));
                events.clear();
                var again = broker.subscribe(FN, "js." + unique + ".>", taking);
                // The server notices a durable's regained interest by itself, which on a loaded machine
                // has taken over 10 s (twice in CI); still well inside the 60 s ack wait a lost
                // delivery would need, so a message handed to the old subscription still fails this.
                try {
                    await().atMost(Duration.ofSeconds(40)).until(() -> !events.isEmpty());
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    var info = jsm.getConsumerInfo(stream, consumer);
                    throw new AssertionError("nothing came again: pending " + info.getNumPending() + ", waiting for an ack "
                            + info.getNumAckPending() + ", push bound " + info.isPushBound(), e);
                }
                assertThat(new String(events.getFirst().body(), StandardCharsets.UTF_8)).isEqualTo("while away");
                again.forget();
            } finally {
                jsm.deleteStream(stream);
            }
        }
    }

    @Test
    void mqttTopicFilters() throws Exception {
        BrokerAvailability.require("Mosquitto", MQTT);
        broker = Brokers.connectOne(MQTT, "t" + unique);
        var subscription = broker.subscribe(FN, "sensors/" + unique + "/+", taking);
        var publisher = new MqttClient("tcp://127.0.0.1:1883", "pub" + unique, new MemoryPersistence());
        publisher.connect();
        try {
            var message = new MqttMessage(BODY);
            message.setQos(1);
            publisher.publish("sensors/" + unique + "/kitchen", message);
            var event = awaitOne();
            assertThat(event.body()).isEqualTo(BODY);
            assertThat(header(event, "X-Topic")).isEqualTo("sensors/" + unique + "/kitchen");
            assertThat(header(event, "X-Mqtt-Qos")).isEqualTo("1");
            assertThat(subscription.state()).startsWith("subscribed");
        } finally {
            subscription.forget();
            publisher.disconnect();
            publisher.close();
        }
    }

    @Test
    void rabbitMqRoutingKeysWithReplies() throws Exception {
        BrokerAvailability.require("RabbitMQ", AMQP);
        broker = Brokers.connectOne(AMQP, "t" + unique);
        var factory = new ConnectionFactory();
        factory.setUri(AMQP);
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            var subscription = broker.subscribe(FN, "orders." + unique + ".*", taking);
            var props = new AMQP.BasicProperties.Builder().messageId("m-" + unique).contentType("application/json")
                    .headers(Map.of("X-Order", "66")).build();
            channel.basicPublish("amq.topic", "orders." + unique + ".created", props, BODY);
            var event = awaitOne();
            assertThat(event.body()).isEqualTo(BODY);
            assertThat(header(event, "X-Topic")).isEqualTo("orders." + unique + ".created");
            assertThat(header(event, "Content-Type")).isEqualTo("application/json");
            assertThat(header(event, "X-Order")).isEqualTo("66");
            assertThat(event.idempotencyKey()).isEqualTo("amqp:m-" + unique);

            subscription.close(); // the queue stays: what comes meanwhile waits in it
            channel.basicPublish("amq.topic", "orders." + unique + ".paid", null, "while away".getBytes(StandardCharsets.UTF_8));
            events.clear();
            var again = broker.subscribe(FN, "orders." + unique + ".*", taking);
            assertThat(new String(awaitOne().body(), StandardCharsets.UTF_8)).isEqualTo("while away");
            again.forget();
        }
    }

    @Test
    void redisStreamsAndChannels() throws Exception {
        BrokerAvailability.require("Redis", REDIS);
        broker = Brokers.connectOne(REDIS, "t" + unique);
        var client = RedisClient.create(REDIS);
        try (var connection = client.connect()) {
            var redis = connection.sync();
            var stream = broker.subscribe(FN, "stream:orders-" + unique, taking);
            var id = redis.xadd("orders-" + unique, Map.of("body", new String(BODY, StandardCharsets.UTF_8), "X-Order", "66"));
            var event = awaitOne();
            assertThat(event.body()).isEqualTo(BODY);
            assertThat(header(event, "X-Order")).isEqualTo("66");
            assertThat(header(event, "X-Message-Id")).isEqualTo(id);
            assertThat(event.idempotencyKey()).isEqualTo("redis:orders-" + unique + ":" + id);

            stream.close(); // the group stays: entries added meanwhile wait for it
            redis.xadd("orders-" + unique, Map.of("body", "while away"));
            events.clear();
            var again = broker.subscribe(FN, "stream:orders-" + unique, taking);
            assertThat(new String(awaitOne().body(), StandardCharsets.UTF_8)).isEqualTo("while away");
            again.forget();
            redis.del("orders-" + unique);

            events.clear();
            var channel = broker.subscribe(FN, "news-" + unique, taking);
            await().atMost(Duration.ofSeconds(5)).until(() -> redis.publish("news-" + unique, "extra") > 0);
            assertThat(new String(awaitOne().body(), StandardCharsets.UTF_8)).isEqualTo("extra");
            channel.close();
        } finally {
            client.shutdown();
        }
    }
}
