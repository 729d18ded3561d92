package dev.jfaas.triggers.topics;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Header;
import dev.jfaas.triggers.TriggerEvent;
import java.util.ArrayList;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics as RabbitMQ routing keys on the {@code amq.topic} exchange (wildcards {@code *} and
 * {@code #} as RabbitMQ reads them). Each function's topic is a durable queue of its own, bound to
 * the key, which every gateway consumes (so each message reaches the function once); a delivery is
 * acknowledged once its call is stored, and requeued by the broker if this process dies first. A
 * message's {@code reply_to} property gets the function's answer, with its {@code correlation_id}.
 */
public final class AmqpTopics implements TopicBroker {

    private static final Logger log = LoggerFactory.getLogger(AmqpTopics.class);
    static final String EXCHANGE = "amq.topic";
    static final int PREFETCH = 256;

    private final Connection connection;
    private final String address;

    private AmqpTopics(Connection connection, String address) {
        this.connection = connection;
        this.address = address;
    }

    static AmqpTopics connect(String url) {
        try {
            var factory = new ConnectionFactory();
            factory.setUri(url);
            factory.setAutomaticRecoveryEnabled(true);
            factory.setConnectionTimeout(5000);
            return new AmqpTopics(factory.newConnection("jfaas-triggers"), factory.getHost() + ":" + factory.getPort());
        } catch (Exception e) {
            throw new IllegalStateException("JFAAS_TRIGGERS: cannot connect to RabbitMQ at " + Brokers.address(url) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String scheme() {
        return "amqp";
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public Subscription subscribe(FunctionName function, String routingKey, Handler handler) throws Exception {
        var queue = TopicBroker.durableName(function, routingKey).replace('_', '.');
        Channel channel = connection.createChannel();
        channel.basicQos(PREFETCH);
        channel.queueDeclare(queue, true, false, false, Map.of());
        channel.queueBind(queue, EXCHANGE, routingKey);
        var tag = channel.basicConsume(queue, false, (consumerTag, delivery) -> deliver(channel, handler, delivery),
                consumerTag -> log.info("RabbitMQ: the consumer of {} was cancelled by the broker", queue));
        return new Subscription() {
            @Override
            public void close() {
                try {
                    channel.basicCancel(tag);
                    channel.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }

            @Override
            public void forget() {
                try {
                    channel.queueDelete(queue);
                } catch (Exception e) {
                    log.debug("RabbitMQ: could not delete queue {}: {}", queue, e.getMessage());
                }
                close();
            }

            @Override
            public String state() {
                return channel.isOpen() ? "subscribed (queue " + queue + " on " + EXCHANGE + ")" : "closed";
            }
        };
    }

    private void deliver(Channel channel, Handler handler, Delivery delivery) {
        var props = delivery.getProperties();
        var headers = new ArrayList<Header>();
        headers.add(new Header("X-Connector", "amqp"));
        headers.add(new Header("X-Topic", delivery.getEnvelope().getRoutingKey()));
        if (props.getMessageId() != null) {
            headers.add(new Header("X-Message-Id", props.getMessageId()));
        }
        if (props.getContentType() != null) {
            headers.add(new Header("Content-Type", props.getContentType()));
        }
        if (props.getCorrelationId() != null) {
            headers.add(new Header("X-Correlation-Id", props.getCorrelationId()));
        }
        if (props.getHeaders() != null) {
            props.getHeaders().forEach((name, value) -> headers.add(new Header(name, String.valueOf(value))));
        }
        TriggerEvent.ReplyTo reply = null;
        if (props.getReplyTo() != null) {
            headers.add(new Header("X-Reply-To", props.getReplyTo()));
            var to = props.getReplyTo();
            var correlation = props.getCorrelationId();
            reply = response -> {
                var out = new AMQP.BasicProperties.Builder().correlationId(correlation)
                        .headers(Map.of("X-Status-Code", response.status())).build();
                synchronized (channel) {
                    channel.basicPublish("", to, out, response.body());
                }
            };
        }
        var sentAt = props.getTimestamp() == null ? null : props.getTimestamp().toInstant();
        var key = props.getMessageId() == null ? null : "amqp:" + props.getMessageId();
        var event = new TriggerEvent("amqp", delivery.getEnvelope().getRoutingKey(), delivery.getBody(), headers, key, sentAt, reply);
        long tagNumber = delivery.getEnvelope().getDeliveryTag();
        handler.accept(event).whenComplete((ok, failure) -> {
            try {
                synchronized (channel) {
                    if (failure instanceof IllegalStateException) {
                        channel.basicNack(tagNumber, false, true);
                    } else {
                        channel.basicAck(tagNumber, false);
                    }
                }
            } catch (Exception e) {
                log.debug("RabbitMQ: could not acknowledge delivery {}: {}", tagNumber, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        try {
            connection.close(2000);
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
