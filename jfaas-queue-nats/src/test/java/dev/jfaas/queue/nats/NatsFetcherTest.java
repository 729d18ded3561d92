package dev.jfaas.queue.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jfaas.queue.tck.BrokerAvailability;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fetches over the standing subscription, against the real server: batches, empty ends, hand-backs. */
class NatsFetcherTest {

    static final String URL = NatsCallQueueTest.URL;

    @BeforeAll
    static void serverIsThere() {
        BrokerAvailability.require("NATS JetStream", URL);
    }

    private final String prefix = "f" + UUID.randomUUID().toString().substring(0, 12);
    private final String stream = prefix + "_Q";
    private Connection connection;
    private NatsFetcher fetcher;

    @BeforeEach
    void streamWithAConsumer() throws Exception {
        connection = Nats.connect(URL);
        var jsm = connection.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name(stream).subjects(prefix + ".>")
                .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.Memory).build());
        jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable("c").ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofSeconds(30)).build());
        fetcher = new NatsFetcher(connection, Duration.ofSeconds(5));
    }

    @AfterEach
    void removeStream() throws Exception {
        fetcher.close();
        connection.jetStreamManagement().deleteStream(stream);
        connection.close();
    }

    private void publish(String... bodies) throws Exception {
        for (var body : bodies) {
            connection.jetStream().publish(prefix + ".work", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(m -> new String(m.getData(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aFetchTakesAtMostItsBatchAndEndsAtOnceWhenFewerAreThere() throws Exception {
        publish("one", "two", "three");
        assertThat(bodies(fetcher.fetch(stream, "c", 2).join())).containsExactly("one", "two");
        assertThat(bodies(fetcher.fetch(stream, "c", 5).join())).containsExactly("three");
        assertThat(fetcher.fetch(stream, "c", 5).join()).isEmpty();
    }

    @Test
    void aMessageHandedBackComesAgainCountedAsItsSecondDelivery() throws Exception {
        publish("again");
        var first = fetcher.fetch(stream, "c", 1).join().getFirst();
        assertThat(NatsFetcher.deliveredCount(first.getReplyTo())).isEqualTo(1);
        connection.publish(first.getReplyTo(), "-NAK".getBytes(StandardCharsets.US_ASCII));
        List<Message> second = List.of();
        for (int i = 0; i < 100 && second.isEmpty(); i++) {
            second = fetcher.fetch(stream, "c", 1).join();
        }
        assertThat(bodies(second)).containsExactly("again");
        assertThat(NatsFetcher.deliveredCount(second.getFirst().getReplyTo())).isEqualTo(2);
    }

    @Test
    void manyFetchesAtOnceEachGetTheirOwnMessages() throws Exception {
        for (int i = 0; i < 50; i++) {
            publish("m" + i);
        }
        var fetches = java.util.stream.IntStream.range(0, 10).mapToObj(i -> fetcher.fetch(stream, "c", 5)).toList();
        var all = fetches.stream().flatMap(f -> bodies(f.join()).stream()).toList();
        assertThat(all).hasSize(50).doesNotHaveDuplicates();
    }

    @Test
    void whatArrivesForAFetchThatGaveUpIsHandedBackAtOnceNotLeftForTheAckWait() throws Exception {
        var big = "x".repeat(1024);
        for (int i = 0; i < 200; i++) {
            publish(i + big);
        }
        try (var impatient = new NatsFetcher(connection, Duration.ZERO)) {
            // A fetch with no time at all gives up while 200 KB are on their way (the server may
            // win a try now and then: what it brought goes back, and the fetch is tried again).
            boolean gaveUp = false;
            for (int i = 0; i < 20 && !gaveUp; i++) {
                try {
                    impatient.fetch(stream, "c", 200).join().forEach(m -> connection.publish(m.getReplyTo(), "-NAK".getBytes()));
                } catch (CompletionException e) {
                    assertThat(e).hasCauseInstanceOf(TimeoutException.class);
                    gaveUp = true;
                }
            }
            assertThat(gaveUp).isTrue();
            // The ack wait is 30 s: only hand-backs bring them all again within half of it.
            var again = new HashSet<String>();
            long until = System.nanoTime() + 15_000_000_000L;
            while (again.size() < 200 && System.nanoTime() < until) {
                again.addAll(bodies(fetcher.fetch(stream, "c", 200).join()));
            }
            var consumer = connection.jetStreamManagement().getConsumerInfo(stream, "c");
            assertThat(again.size()).as("the consumer has %d waiting for an ack, %d redelivered, %d pending",
                    consumer.getNumAckPending(), consumer.getRedelivered(), consumer.getNumPending())
                    .isEqualTo(200);
        }
    }

    @Test
    void theDeliveredCountIsReadFromEitherFormOfAckSubject() {
        assertThat(NatsFetcher.deliveredCount("$JS.ACK.S.c.3.10.7.1700000000000000000.0")).isEqualTo(3);
        assertThat(NatsFetcher.deliveredCount("$JS.ACK.dom.acchash.S.c.4.10.7.1700000000000000000.0.tok")).isEqualTo(4);
        assertThatThrownBy(() -> NatsFetcher.deliveredCount("_INBOX.abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
