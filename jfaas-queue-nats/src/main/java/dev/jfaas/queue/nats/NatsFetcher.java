package dev.jfaas.queue.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches from the work streams' pull consumers without a thread waiting: each fetch is a no-wait
 * pull request whose messages come back on a standing subscription and end with the server's
 * status message (or a full batch). JetStream keeps a message's own subject when it delivers it,
 * so what tells fetches apart is the subscription: each fetch borrows one from a pool and gives it
 * back when it ends, so the pool holds as many as fetches ever ran at once. jnats's own fetch
 * subscribes and unsubscribes for every fetch and blocks a thread until its last message; a
 * standalone worker spent much of its time on those hand-offs (bench/README.md). A message that
 * arrives for a fetch already given up is handed back at once rather than left pending until the
 * consumer's ack wait.
 */
final class NatsFetcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NatsFetcher.class);
    private static final byte[] NAK = "-NAK".getBytes(StandardCharsets.US_ASCII);
    /** How long a subscription whose fetch timed out still hands back what arrives late. */
    private static final Duration RETIRED_FOR = Duration.ofSeconds(30);

    private final Connection connection;
    private final Duration timeout;
    private final String inbox;
    private final Dispatcher dispatcher;
    private final AtomicLong ids = new AtomicLong();
    private final Deque<Slot> idle = new ConcurrentLinkedDeque<>();

    NatsFetcher(Connection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
        this.inbox = connection.createInbox();
        this.dispatcher = connection.createDispatcher();
    }

    /** Up to {@code max} messages of one durable pull consumer that are there now; none if there are none. */
    CompletableFuture<List<Message>> fetch(String stream, String consumer, int max) {
        var slot = idle.poll();
        if (slot == null) {
            slot = new Slot(inbox + "." + ids.incrementAndGet());
        }
        var fetch = new Fetch(max);
        slot.current = fetch;
        var used = slot;
        connection.publish("$JS.API.CONSUMER.MSG.NEXT." + stream + "." + consumer, slot.subject,
                ("{\"batch\":" + max + ",\"no_wait\":true}").getBytes(StandardCharsets.US_ASCII));
        // The server answers a no-wait pull at once; only a broken connection leaves it unanswered.
        return fetch.done.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((messages, failure) -> {
            if (failure == null) {
                idle.push(used);
            } else {
                // Not used again: late messages of this pull would land in the next fetch on it.
                // It stays subscribed a while, so that they are handed back, not dropped here
                // and left pending until the ack wait.
                fetch.abandon().forEach(this::handBack);
                CompletableFuture.delayedExecutor(RETIRED_FOR.toMillis(), TimeUnit.MILLISECONDS).execute(used::unsubscribe);
            }
        });
    }

    private void handBack(Message message) {
        connection.publish(message.getReplyTo(), NAK);
    }

    /** A standing subscription, used by one fetch at a time. */
    private final class Slot {
        final String subject;
        final Subscription subscription;
        volatile Fetch current;

        Slot(String subject) {
            this.subject = subject;
            this.subscription = dispatcher.subscribe(subject, this::received);
        }

        void unsubscribe() {
            try {
                dispatcher.unsubscribe(subscription);
            } catch (IllegalStateException e) {
                log.debug("fetch subscription already gone: {}", e.getMessage()); // the connection closed
            }
        }

        /** On the dispatcher's thread, one message at a time. */
        private void received(Message message) {
            var fetch = current;
            if (message.isStatusMessage()) {
                int code = message.getStatus().getCode();
                if (code != 404 && code != 408) {
                    log.debug("pull request ended with {} {}", code, message.getStatus().getMessage());
                }
                if (fetch != null) {
                    fetch.end();
                }
                return;
            }
            if (fetch == null || !fetch.add(message)) {
                handBack(message); // its fetch gave up: let it come again at once
            }
        }
    }

    /**
     * How many times JetStream has delivered a message, from its ack subject:
     * {@code $JS.ACK.<stream>.<consumer>.<delivered>.…} (9 tokens) or, with a domain and account,
     * {@code $JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.…} (11 or more).
     */
    static long deliveredCount(String ackSubject) {
        var tokens = ackSubject.split("\\.");
        if (tokens.length < 9 || !tokens[1].equals("ACK")) {
            throw new IllegalArgumentException("not a JetStream ack subject: " + ackSubject);
        }
        return Long.parseLong(tokens[tokens.length == 9 ? 4 : 6]);
    }

    @Override
    public void close() {
        connection.closeDispatcher(dispatcher);
    }

    /** One open fetch: what has arrived, until the status that ends it, a full batch, or its timeout. */
    private static final class Fetch {
        private final int max;
        private final List<Message> messages = new ArrayList<>();
        private boolean closed;
        final CompletableFuture<List<Message>> done = new CompletableFuture<>();

        Fetch(int max) {
            this.max = max;
        }

        /** False if the fetch is over. Completes it, outside the lock, when the batch is full. */
        boolean add(Message message) {
            synchronized (this) {
                if (closed) {
                    return false;
                }
                messages.add(message);
                if (messages.size() < max) {
                    return true;
                }
                closed = true;
            }
            done.complete(messages);
            return true;
        }

        void end() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            done.complete(messages);
        }

        /** Ends a fetch that timed out; returns what had arrived, which nobody will take now. */
        synchronized List<Message> abandon() {
            if (closed) {
                return List.of();
            }
            closed = true;
            return List.copyOf(messages);
        }
    }
}
