package dev.jfaas.triggers.topics;

import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** {@code JFAAS_TRIGGERS}: the brokers topics are read from, e.g. {@code nats://127.0.0.1:4222,mqtt://127.0.0.1:1883}. */
public final class Brokers {

    public static final Setting<List<String>> SETTING = new Setting<>("JFAAS_TRIGGERS",
            "brokers topics are read from, comma-separated, one of each kind: `nats://…`, `mqtt://…`, "
            + "`amqp://user:pass@…`, `redis://…`", "–", Brokers::urls, settings -> List.of(), Setting.Shown.URLS);

    private Brokers() {}

    /**
     * The URLs of a {@code JFAAS_TRIGGERS} value.
     *
     * @throws IllegalArgumentException for one that names no broker, or two of one kind
     */
    static List<String> urls(String setting) {
        var urls = new ArrayList<String>();
        var kinds = new HashSet<String>();
        for (var part : setting.split(",")) {
            var url = part.strip();
            if (!url.isEmpty()) {
                if (!kinds.add(scheme(url))) {
                    throw new IllegalArgumentException("two " + scheme(url) + " brokers: name one of each kind");
                }
                urls.add(url);
            }
        }
        return List.copyOf(urls);
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
            default -> throw new IllegalArgumentException("\"" + Settings.masked(url)
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
