package dev.jfaas.queue.nats;

import java.time.Duration;

/**
 * Where the JetStream queue lives and how it is named.
 *
 * @param url one or more servers, comma separated ({@code nats://127.0.0.1:4222})
 * @param prefix starts every stream, subject and bucket name, so several installations (or test
 *     runs) share one server without meeting; every gateway and worker of one installation uses the same
 * @param requestTimeout how long one broker round trip may take before the call is refused (503)
 * @param recordTtl how long call documents and dead letters live at most, whatever the result
 *     retention says (a backstop: the gateway forgets finished calls after {@code result_ttl})
 * @param redeliverAfter the consumers' ack wait: when a call fetched by a process that died comes
 *     back. A lease of exactly this long leaves its message to it instead of handing it back
 */
public record NatsSettings(String url, String prefix, Duration requestTimeout, Duration recordTtl, Duration redeliverAfter) {

    public static final String DEFAULT_URL = "nats://127.0.0.1:4222";
    public static final String DEFAULT_PREFIX = "jfaas";

    public NatsSettings {
        if (!prefix.matches("[A-Za-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("NATS prefix \"" + prefix + "\": use 1 to 32 letters, digits or '-'");
        }
    }

    public NatsSettings withRedeliverAfter(Duration after) {
        return new NatsSettings(url, prefix, requestTimeout, recordTtl, after);
    }

    public static NatsSettings of(String url, String prefix) {
        // The ack wait is the workers' default lease time, so a lease of that length needs no
        // hand-back to the broker when it is claimed (CallBroker.redeliveryWait).
        return new NatsSettings(url, prefix, Duration.ofSeconds(5), Duration.ofDays(7), Duration.ofSeconds(30));
    }
}
