package dev.jfaas.triggers;

import dev.jfaas.function.RequestRejected;
import java.util.Locale;
import java.util.Set;

/**
 * One topic a function listens on. {@code broker} is the scheme of the broker it is read from
 * ({@code nats}, {@code mqtt}, {@code amqp} or {@code redis}), or null for every broker in
 * {@code JFAAS_TRIGGERS}, as each OpenFaaS connector reads every function's {@code topic}.
 */
public record Topic(String broker, String name) {

    public static final Set<String> BROKERS = dev.jfaas.triggers.topics.Brokers.names();
    static final int MAX_LENGTH = 255;

    /** {@code mqtt:sensors/+/temperature}, or a bare name. @throws RequestRejected 400 */
    public static Topic parse(String text) {
        var value = text.strip();
        String broker = null;
        int colon = value.indexOf(':');
        if (colon > 0 && BROKERS.contains(value.substring(0, colon).toLowerCase(Locale.ROOT))) {
            broker = value.substring(0, colon).toLowerCase(Locale.ROOT);
            value = value.substring(colon + 1);
        }
        if (value.isEmpty()) {
            throw RequestRejected.invalid("invalid topic \"" + text + "\": it names no topic");
        }
        if (value.length() > MAX_LENGTH) {
            throw RequestRejected.invalid("invalid topic \"" + text + "\": longer than " + MAX_LENGTH + " characters");
        }
        if (value.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw RequestRejected.invalid("invalid topic \"" + text + "\": no spaces or control characters");
        }
        if ("nats".equals(broker) && (value.startsWith(".") || value.endsWith(".") || value.contains(".."))) {
            throw RequestRejected.invalid("invalid NATS subject \"" + value + "\": empty token");
        }
        return new Topic(broker, value);
    }

    public boolean readFrom(String scheme) {
        return broker == null || broker.equals(scheme);
    }

    @Override
    public String toString() {
        return broker == null ? name : broker + ":" + name;
    }
}
