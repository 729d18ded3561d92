package dev.jfaas.triggers.topics;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** {@code JFAAS_TRIGGERS}: the brokers topics are read from, e.g. {@code nats://127.0.0.1:4222,mqtt://127.0.0.1:1883}. */
public final class Brokers {

    private Brokers() {}

    /** Connects to each; a broker that cannot be reached fails the start, as a bad setting should. */
    public static List<TopicBroker> connect(String setting, String gatewayId) {
        var brokers = new ArrayList<TopicBroker>();
        if (setting == null || setting.isBlank()) {
            return brokers;
        }
        try {
            for (var part : setting.split(",")) {
                var url = part.strip();
                if (url.isEmpty()) {
                    continue;
                }
                var scheme = URI.create(url).getScheme();
                brokers.add(switch (scheme == null ? "" : scheme) {
                    case "nats" -> NatsTopics.connect(url);
                    case "mqtt", "tcp" -> MqttTopics.connect(url, gatewayId);
                    case "amqp", "amqps" -> AmqpTopics.connect(url);
                    case "redis", "rediss" -> RedisTopics.connect(url, gatewayId);
                    default -> throw new IllegalArgumentException("JFAAS_TRIGGERS: \"" + url
                            + "\" is not a broker URL: use nats://, mqtt://, amqp:// or redis://");
                });
            }
        } catch (RuntimeException e) {
            brokers.forEach(TopicBroker::close);
            throw e;
        }
        return brokers;
    }

    /** host:port of a URL, without what may be a password. */
    static String address(String url) {
        var uri = URI.create(url);
        return uri.getHost() + ":" + uri.getPort();
    }
}
