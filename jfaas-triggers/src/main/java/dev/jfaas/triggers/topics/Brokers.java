package dev.jfaas.triggers.topics;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** {@code JFAAS_TRIGGERS}: the brokers topics are read from, e.g. {@code nats://127.0.0.1:4222,mqtt://127.0.0.1:1883}. */
public final class Brokers {

    private Brokers() {}

    /** The URLs of a {@code JFAAS_TRIGGERS} value. @throws IllegalArgumentException for one that names no broker */
    public static List<String> urls(String setting) {
        var urls = new ArrayList<String>();
        if (setting == null || setting.isBlank()) {
            return urls;
        }
        for (var part : setting.split(",")) {
            var url = part.strip();
            if (!url.isEmpty()) {
                scheme(url);
                urls.add(url);
            }
        }
        return urls;
    }

    /** How topics name the broker a URL points at: nats, mqtt, amqp or redis. */
    public static String scheme(String url) {
        String scheme;
        try {
            scheme = URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            scheme = null;
        }
        return switch (scheme == null ? "" : scheme) {
            case "nats" -> "nats";
            case "mqtt", "tcp" -> "mqtt";
            case "amqp", "amqps" -> "amqp";
            case "redis", "rediss" -> "redis";
            default -> throw new IllegalArgumentException("JFAAS_TRIGGERS: \"" + url
                    + "\" is not a broker URL: use nats://, mqtt://, amqp:// or redis://");
        };
    }

    public static TopicBroker connectOne(String url, String gatewayId) {
        return switch (scheme(url)) {
            case "nats" -> NatsTopics.connect(url);
            case "mqtt" -> MqttTopics.connect(url, gatewayId);
            case "amqp" -> AmqpTopics.connect(url);
            default -> RedisTopics.connect(url, gatewayId);
        };
    }

    /** host:port of a URL, without what may be a password. */
    public static String address(String url) {
        var uri = URI.create(url);
        return uri.getHost() + ":" + uri.getPort();
    }
}
