package dev.jfaas.triggers.topics;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Header;
import dev.jfaas.triggers.TriggerEvent;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics as MQTT topic filters (Eclipse Paho, MQTT 3.1.1). Each function's subscription is a
 * client of its own with a persistent session (clean session off) and QoS 1, subscribed as
 * {@code $share/<function>/<filter>} so gateways share the function's messages; a message is
 * acknowledged (PUBACK) only once its call is stored, so the broker sends it again after a crash.
 * MQTT 3.1.1 has no response topic, so MQTT messages get no reply.
 */
public final class MqttTopics implements TopicBroker {

    private static final Logger log = LoggerFactory.getLogger(MqttTopics.class);
    static final int QOS = 1;

    private final String serverUri;
    private final String address;
    private final String username;
    private final char[] password;
    private final String gatewayId;
    private final Set<MqttAsyncClient> clients = ConcurrentHashMap.newKeySet();

    private MqttTopics(String serverUri, String address, String username, char[] password, String gatewayId) {
        this.serverUri = serverUri;
        this.address = address;
        this.username = username;
        this.password = password;
        this.gatewayId = gatewayId;
    }

    static MqttTopics connect(String url, String gatewayId) {
        var uri = URI.create(url);
        int port = uri.getPort() < 0 ? 1883 : uri.getPort();
        String user = null;
        char[] pass = null;
        if (uri.getUserInfo() != null) {
            var info = uri.getUserInfo().split(":", 2);
            user = info[0];
            pass = info.length > 1 ? info[1].toCharArray() : new char[0];
        }
        var topics = new MqttTopics("tcp://" + uri.getHost() + ":" + port, uri.getHost() + ":" + port, user, pass, gatewayId);
        topics.probe();
        return topics;
    }

    /** Fails the start when the broker cannot be reached, as a bad setting should. */
    private void probe() {
        try {
            var client = new MqttAsyncClient(serverUri, "jfaas-probe-" + gatewayId, new MemoryPersistence());
            client.connect(options(true)).waitForCompletion(5000);
            client.disconnect().waitForCompletion(2000);
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("JFAAS_TRIGGERS: cannot connect to MQTT at " + address + ": " + e.getMessage(), e);
        }
    }

    private MqttConnectOptions options(boolean clean) {
        var options = new MqttConnectOptions();
        options.setCleanSession(clean);
        options.setAutomaticReconnect(true);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(5);
        options.setMaxInflight(256);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password);
        }
        return options;
    }

    @Override
    public String scheme() {
        return "mqtt";
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public Subscription subscribe(FunctionName function, String filter, Handler handler) throws Exception {
        var group = TopicBroker.durableName(function, filter);
        var shared = "$share/" + group + "/" + filter;
        var client = new MqttAsyncClient(serverUri, (group + "_" + gatewayId), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String server) {
                if (reconnect) {
                    try {
                        client.subscribe(shared, QOS);
                    } catch (Exception e) {
                        log.warn("MQTT: could not subscribe again to {} for {}: {}", filter, function, e.getMessage());
                    }
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                log.info("MQTT: connection of {} for {} lost ({}); reconnecting", filter, function, cause == null ? "" : cause.getMessage());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                var headers = List.of(new Header("X-Connector", "mqtt"), new Header("X-Topic", topic),
                        new Header("X-Message-Id", Integer.toString(message.getId())),
                        new Header("X-Mqtt-Qos", Integer.toString(message.getQos())),
                        new Header("X-Mqtt-Retained", Boolean.toString(message.isRetained())));
                var event = new TriggerEvent("mqtt", topic, message.getPayload(), headers, null, null, null);
                handler.accept(event).whenComplete((ok, failure) -> {
                    if (failure instanceof IllegalStateException) {
                        return; // stopping: unacknowledged, the broker sends it again to the next session
                    }
                    try {
                        client.messageArrivedComplete(message.getId(), message.getQos());
                    } catch (Exception e) {
                        log.debug("MQTT: could not acknowledge a message on {}: {}", topic, e.getMessage());
                    }
                });
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        client.connect(options(false)).waitForCompletion(10_000);
        client.subscribe(shared, QOS).waitForCompletion(10_000);
        clients.add(client);
        return new Subscription() {
            @Override
            public void close() {
                clients.remove(client);
                try {
                    client.disconnect().waitForCompletion(2000);
                } catch (Exception ignored) {
                    // going anyway
                }
                try {
                    client.close();
                } catch (Exception ignored) {
                    // closed
                }
            }

            @Override
            public void forget() {
                try {
                    client.unsubscribe(shared).waitForCompletion(2000);
                } catch (Exception e) {
                    log.debug("MQTT: could not unsubscribe {}: {}", shared, e.getMessage());
                }
                close();
            }

            @Override
            public String state() {
                return client.isConnected() ? "subscribed (QoS 1, shared as " + group + ")" : "reconnecting";
            }
        };
    }

    @Override
    public void close() {
        for (var client : List.copyOf(clients)) {
            try {
                client.disconnectForcibly(1000, 1000);
                client.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}
