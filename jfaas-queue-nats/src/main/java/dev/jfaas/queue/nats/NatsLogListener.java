package dev.jfaas.queue.nats;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jnats reports through java.util.logging by default, including routine flow-control notes;
 * this sends what matters to SLF4J and drops the routine.
 */
final class NatsLogListener implements ErrorListener {

    private static final Logger log = LoggerFactory.getLogger("dev.jfaas.queue.nats.NatsClient");

    @Override
    public void errorOccurred(Connection conn, String error) {
        log.warn("NATS server error: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        if (conn.getStatus() == Connection.Status.CONNECTED) {
            log.warn("NATS client exception: {}", exp.toString());
        } else {
            log.debug("NATS client exception while {}: {}", conn.getStatus(), exp.toString()); // every reconnect attempt
        }
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
        log.warn("NATS slow consumer: messages were dropped on this connection");
    }
}
