package dev.jfaas.triggers;

import dev.jfaas.queue.Header;
import java.time.Instant;
import java.util.List;

/**
 * One event for one function, as it becomes an async call: its body and headers exactly as the
 * broker gave them (plus X-Connector, X-Topic, X-Message-Id...).
 *
 * @param trigger {@code cron}, {@code nats}, {@code mqtt}, {@code amqp} or {@code redis}
 * @param idempotencyKey the same for a redelivery of the same message (null when the broker gives no id)
 * @param sentAt when the event was due or published, for the lag metric (null when unknown)
 * @param reply where the function's answer goes, or null
 */
public record TriggerEvent(String trigger, String topic, byte[] body, List<Header> headers, String idempotencyKey,
        Instant sentAt, ReplyTo reply) {

    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_VALUE = 8 << 10;
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");

    /** Headers that HTTP cannot carry (a broker's property named with a space, a value with a newline) are left out. */
    public TriggerEvent {
        body = body == null ? new byte[0] : body;
        headers = headers.stream().filter(h -> h.name() != null && h.value() != null && TOKEN.matcher(h.name()).matches()
                && h.value().length() <= MAX_HEADER_VALUE && h.value().chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0))
                .limit(MAX_HEADERS).toList();
    }

    /** Publishes a finished call's answer where the message asked for it. */
    @FunctionalInterface
    public interface ReplyTo {
        void send(dev.jfaas.queue.CallResponse response) throws Exception;
    }
}
