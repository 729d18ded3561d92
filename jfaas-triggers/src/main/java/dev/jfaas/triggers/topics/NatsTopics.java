package dev.jfaas.triggers.topics;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.Header;
import dev.jfaas.triggers.TriggerEvent;
import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics as NATS subjects. A subject a JetStream stream holds is read through a durable consumer
 * of the function's (a queue push consumer, so gateways share it; acknowledged once the call is
 * stored, redelivered otherwise). Any other subject is a core subscription in the function's queue
 * group: at most once, as core NATS is. A core request's reply subject, or a {@code Reply-To}
 * header, gets the function's answer.
 */
public final class NatsTopics implements TopicBroker {

    private static final Logger log = LoggerFactory.getLogger(NatsTopics.class);
    static final Duration ACK_WAIT = Duration.ofSeconds(60);
    static final int MAX_ACK_PENDING = 256;
    /** What events from NATS may hold of the heap before they are stored: an eighth of it. */
    static final long HELD_BYTES = Runtime.getRuntime().maxMemory() / 8;

    private final Connection connection;
    private final Dispatcher dispatcher;
    private final String address;

    private NatsTopics(Connection connection, String address) {
        this.connection = connection;
        this.dispatcher = connection.createDispatcher();
        // jnats holds up to 64 MB a subscription by default; past this a core subscription drops
        // (at most once, as core NATS is) and a JetStream one is redelivered
        dispatcher.setPendingLimits(Consumer.DEFAULT_MAX_MESSAGES, HELD_BYTES);
        this.address = address;
    }

    /**
     * Unacknowledged events the server sends at once: as many of its largest messages as fit in
     * {@link #HELD_BYTES}, between 16 and 256 (a 96 MB heap and NATS's 1 MB payloads: 16).
     */
    static int maxAckPending(long heldBytes, long maxPayload) {
        return (int) Math.max(16, Math.min(MAX_ACK_PENDING, heldBytes / Math.max(1, maxPayload)));
    }

    static NatsTopics connect(String url) {
        try {
            var options = new Options.Builder().server(url).connectionName("jfaas-triggers").maxReconnects(-1)
                    .connectionTimeout(Duration.ofSeconds(5)).build();
            return new NatsTopics(Nats.connect(options), Brokers.address(url));
        } catch (Exception e) {
            throw new IllegalStateException("JFAAS_TRIGGERS: cannot connect to NATS at " + Brokers.address(url) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String scheme() {
        return "nats";
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public Subscription subscribe(FunctionName function, String subject, Handler handler) throws Exception {
        var jsm = connection.jetStreamManagement();
        List<String> streams;
        try {
            streams = jsm.getStreamNames(subject);
        } catch (Exception noJetStream) {
            streams = List.of();
        }
        var group = TopicBroker.durableName(function, subject);
        if (streams.isEmpty()) {
            var subscription = dispatcher.subscribe(subject, group, message -> deliver(handler, message, false));
            // Core NATS keeps nothing for a subscriber the server does not know yet: subscribed means
            // the server has the interest (a message published right after was lost now and then).
            connection.flush(Duration.ofSeconds(2));
            return new Subscription() {
                @Override
                public void close() {
                    dispatcher.unsubscribe(subscription);
                }

                @Override
                public String state() {
                    return subscription.isActive() ? "subscribed (core NATS, at most once)" : "closed";
                }
            };
        }
        var stream = streams.getFirst();
        var options = PushSubscribeOptions.builder().durable(group).deliverGroup(group)
                .configuration(ConsumerConfiguration.builder().durable(group).deliverGroup(group).ackWait(ACK_WAIT)
                        .maxAckPending(maxAckPending(HELD_BYTES, connection.getServerInfo().getMaxPayload())).deliverPolicy(DeliverPolicy.New).build()).build();
        JetStreamSubscription subscription = connection.jetStream().subscribe(subject, group, dispatcher,
                message -> deliver(handler, message, true), false, options);
        return new Subscription() {
            @Override
            public void close() {
                dispatcher.unsubscribe(subscription);
                // Once the server has the unsubscribe, it holds new messages for the consumer instead
                // of pushing them here, where they would wait out the ack wait before coming again.
                try {
                    connection.flush(Duration.ofSeconds(2));
                } catch (Exception e) {
                    log.debug("could not flush the unsubscribe of {}: {}", group, e.getMessage());
                }
            }

            @Override
            public void forget() {
                close();
                try {
                    jsm.deleteConsumer(stream, group);
                } catch (Exception e) {
                    log.debug("could not delete consumer {} of stream {}: {}", group, stream, e.getMessage());
                }
            }

            @Override
            public String state() {
                return subscription.isActive() ? "subscribed (JetStream stream " + stream + ", consumer " + group + ")" : "closed";
            }
        };
    }

    private void deliver(Handler handler, Message message, boolean jetStream) {
        var headers = new ArrayList<Header>();
        headers.add(new Header("X-Connector", "nats"));
        headers.add(new Header("X-Topic", message.getSubject()));
        String replyTo = jetStream ? null : message.getReplyTo();
        String messageId = null;
        if (message.getHeaders() != null) {
            for (var entry : message.getHeaders().entrySet()) {
                for (var value : entry.getValue()) {
                    headers.add(new Header(entry.getKey(), value));
                }
            }
            messageId = message.getHeaders().getFirst("Nats-Msg-Id");
            var asked = message.getHeaders().getFirst("Reply-To");
            replyTo = asked != null ? asked : replyTo;
        }
        String key = messageId == null ? null : "nats:" + messageId;
        java.time.Instant sentAt = null;
        if (jetStream) {
            var meta = message.metaData();
            key = "nats:" + meta.getStream() + ":" + meta.streamSequence();
            messageId = messageId == null ? meta.getStream() + ":" + meta.streamSequence() : messageId;
            sentAt = meta.timestamp().toInstant();
        }
        if (messageId != null) {
            headers.add(new Header("X-Message-Id", messageId));
        }
        var reply = replyTo == null ? null : replier(replyTo);
        if (replyTo != null) {
            headers.add(new Header("X-Reply-To", replyTo));
        }
        var event = new TriggerEvent("nats", message.getSubject(), message.getData(), headers, key, sentAt, reply);
        handler.accept(event).whenComplete((ok, failure) -> {
            if (jetStream) {
                // Dropped (the function is gone) is done with too; only a stop leaves it for redelivery.
                if (failure instanceof IllegalStateException) {
                    message.nakWithDelay(Duration.ofSeconds(5));
                } else {
                    message.ack();
                }
            }
        });
    }

    private TriggerEvent.ReplyTo replier(String subject) {
        return (CallResponse response) -> {
            var headers = new Headers();
            headers.add("X-Status-Code", Integer.toString(response.status()));
            for (var header : response.headers()) {
                if (header.name().equalsIgnoreCase("Content-Type")) {
                    headers.add("Content-Type", header.value());
                }
            }
            connection.publish(subject, headers, response.body());
        };
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
