package dev.jfaas.triggers.topics;

import dev.jfaas.function.FunctionName;
import dev.jfaas.triggers.TriggerEvent;
import java.util.concurrent.CompletionStage;

/**
 * A message broker functions listen on through {@code topic} annotations. Each subscription is one
 * function's: several gateways share it (queue groups, shared subscriptions, one queue or consumer
 * group per function), so a message reaches each function once, not once per gateway. A message is
 * acknowledged to the broker only once {@link Handler#accept} has completed, i.e. its call is stored.
 */
public sealed interface TopicBroker extends AutoCloseable permits NatsTopics, MqttTopics, AmqpTopics, RedisTopics {

    /** {@code nats}, {@code mqtt}, {@code amqp} or {@code redis}: how topics name this broker. */
    String scheme();

    /** host:port, never credentials. */
    String address();

    Subscription subscribe(FunctionName function, String topic, Handler handler) throws Exception;

    @Override
    void close();

    /** Takes one message; completes when its call is stored, fails when the message is to be dropped. */
    @FunctionalInterface
    interface Handler {
        CompletionStage<?> accept(TriggerEvent event);
    }

    interface Subscription {
        /** Stops delivering here; what the broker keeps for the function (a durable consumer, a queue) stays. */
        void close();

        /** Stops and drops what the broker keeps for this function and topic: the function is gone. */
        default void forget() {
            close();
        }

        /** "subscribed", or what is wrong. */
        String state();
    }

    /** A broker-safe name for what a subscription of one function keeps (a queue, a consumer, a group). */
    static String durableName(FunctionName function, String topic) {
        var hash = Integer.toHexString(topic.hashCode() & 0x7fffffff);
        return ("jfaas_" + function.namespace() + "_" + function.name() + "_" + hash).replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
