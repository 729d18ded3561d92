package dev.jfaas.triggers.topics;

import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** {@code JFAAS_TRIGGERS}: the brokers topics are read from, e.g. {@code nats://127.0.0.1:4222,mqtt://127.0.0.1:1883}. */
public final class Brokers {

    /**
     * A broker triggers can read from.
     *
     * @param name    how topics and the settings name it
     * @param schemes the URL schemes that point at it
     * @param connect connects to the broker at a URL, for a gateway (its id names its consumers)
     */
    record Kind(String name, java.util.Set<String> schemes, java.util.function.BiFunction<String, String, TopicBroker> connect) {}

    /** Every broker, one line each: a new one is a TopicBroker class and a line here. */
    static final List<Kind> KINDS = List.of(
            new Kind("nats", java.util.Set.of("nats"), (url, gatewayId) -> NatsTopics.connect(url)),
            new Kind("mqtt", java.util.Set.of("mqtt", "tcp"), MqttTopics::connect),
            new Kind("amqp", java.util.Set.of("amqp", "amqps"), (url, gatewayId) -> AmqpTopics.connect(url)),
            new Kind("redis", java.util.Set.of("redis", "rediss"), RedisTopics::connect));

    private static final java.util.Set<String> NAMES = KINDS.stream().map(Kind::name)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

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
        return kind(url).name();
    }

    public static TopicBroker connectOne(String url, String gatewayId) {
        return kind(url).connect().apply(url, gatewayId);
    }

    /** The broker names topics may start with ({@code nats:subject}, {@code mqtt:a/b}, …). */
    public static java.util.Set<String> names() {
        return NAMES;
    }

    private static Kind kind(String url) {
        String scheme;
        try {
            scheme = URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            scheme = null;
        }
        for (var kind : KINDS) {
            if (scheme != null && kind.schemes().contains(scheme)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("\"" + Settings.masked(url) + "\" is not a broker URL: use "
                + String.join(", ", KINDS.stream().map(kind -> kind.name() + "://").toList()));
    }

    /** host:port of a URL, without what may be a password. */
    public static String address(String url) {
        var uri = URI.create(url);
        return uri.getHost() + ":" + uri.getPort();
    }
}
