package dev.jfaas.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.document.CallCodec;
import dev.jfaas.queue.document.CallDocument;
import dev.jfaas.queue.document.DocumentKeys;
import dev.jfaas.queue.tck.BrokerAvailability;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The index of call documents by when each was made, against the real server: passes up to a time, and the old index's migration. */
class RedisBrokerTest {

    static final String URL = RedisCallQueueTest.URL;

    @BeforeAll
    static void serverIsThere() {
        BrokerAvailability.require("Redis", URL);
    }

    private final String prefix = "b" + UUID.randomUUID().toString().substring(0, 12);
    private final RedisClient client = RedisClient.create(URL);
    private final RedisCommands<byte[], byte[]> redis = client.connect(ByteArrayCodec.INSTANCE).sync();
    private RedisBroker broker;

    @AfterEach
    void removeKeys() {
        if (broker != null) {
            broker.close();
        }
        var keys = ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + ":*").limit(1000));
        while (keys.hasNext()) {
            redis.unlink(keys.next());
        }
        client.shutdown();
    }

    private static byte[] document(String callId) {
        var call = new QueuedCall(callId, FunctionName.parse("fn", null), "q", 0, "POST", "/", "", List.of(),
                new byte[0], null, null, Instant.now(), 3);
        return CallCodec.document(CallDocument.queued(call));
    }

    private byte[] key(String name) {
        return (prefix + ":" + name).getBytes(StandardCharsets.UTF_8);
    }

    /** A document as the broker stores it, entered in the index at {@code score} (ms) directly. */
    private void stored(String callId, double score) {
        var name = key(DocumentKeys.document(callId));
        redis.hset(name, "v".getBytes(StandardCharsets.UTF_8), document(callId));
        redis.hset(name, "r".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
        redis.zadd(key("made"), score, name);
    }

    private List<String> madeBefore(Instant before) {
        var seen = new ArrayList<String>();
        broker.eachDocumentWrittenBefore(before, doc -> seen.add(doc.callId()));
        return seen;
    }

    @Test
    void aPassUpToATimeReadsEachDocumentMadeBeforeItOnceAcrossBatchesOfEqualTimes() {
        broker = RedisBroker.connect(RedisSettings.of(URL, prefix));
        var expected = new ArrayList<String>();
        for (int i = 0; i < 1_234; i++) { // more than two batches, all made in one millisecond
            stored("same-" + i, 1_000);
            expected.add("same-" + i);
        }
        stored("later", 2_000);
        stored("after-the-cutoff", 3_000);
        redis.zadd(key("made"), 1_500, key(DocumentKeys.document("expired"))); // its document is gone
        expected.add("later");

        assertThat(madeBefore(Instant.ofEpochMilli(3_000))).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(redis.zscore(key("made"), key(DocumentKeys.document("expired")))).as("an expired key leaves the index").isNull();
        assertThat(madeBefore(Instant.ofEpochMilli(1_000))).isEmpty();
    }

    @Test
    void documentsMadeThroughTheBrokerAreIndexedByWhenTheyWereMade() throws Exception {
        broker = RedisBroker.connect(RedisSettings.of(URL, prefix));
        broker.create(DocumentKeys.document("old"), document("old"));
        var cutoff = Instant.now().plusMillis(1);
        while (!Instant.now().isAfter(cutoff)) {
            Thread.onSpinWait(); // the index counts milliseconds: the next document is made in a later one
        }
        broker.create(DocumentKeys.document("young"), document("young"));
        broker.put(DocumentKeys.document("old"), document("old")); // written again, still made before

        assertThat(madeBefore(cutoff)).containsExactly("old");
        broker.delete(DocumentKeys.document("old"));
        assertThat(madeBefore(Instant.now().plusSeconds(1))).containsExactly("young");
    }

    @Test
    void theEarlierUnorderedIndexIsTakenOverAsOldest() {
        var name = key(DocumentKeys.document("from-before"));
        redis.hset(name, "v".getBytes(StandardCharsets.UTF_8), document("from-before"));
        redis.hset(name, "r".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
        redis.sadd(key("docs"), name);

        broker = RedisBroker.connect(RedisSettings.of(URL, prefix));

        assertThat(redis.exists(key("docs"))).isZero();
        assertThat(madeBefore(Instant.ofEpochMilli(1))).containsExactly("from-before");
        var all = new ArrayList<String>();
        broker.eachDocument(doc -> all.add(doc.callId()));
        assertThat(all).containsExactly("from-before");
    }

    @Test
    void anEarlierVersionsStreamOfAPriorityIsSplitIntoItsFunctionsStreams() throws Exception {
        // As an earlier version queued them: one stream per queue and priority, over every function.
        var old = key("q:q:0");
        for (var fn : List.of("a.openfaas-fn", "b.openfaas-fn", "a.openfaas-fn")) {
            redis.xadd(old, "id".getBytes(StandardCharsets.UTF_8), ("call-" + fn).getBytes(StandardCharsets.UTF_8),
                    "q".getBytes(StandardCharsets.UTF_8), "q".getBytes(StandardCharsets.UTF_8),
                    "fn".getBytes(StandardCharsets.UTF_8), fn.getBytes(StandardCharsets.UTF_8),
                    "call".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3},
                    "rev".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
        }
        redis.sadd(key("streams"), old);
        broker = RedisBroker.connect(RedisSettings.of(URL, prefix));

        assertThat(broker.backlog("q")).containsExactlyInAnyOrder(
                new dev.jfaas.queue.document.CallBroker.Backlog(0, FunctionName.parse("a", null)),
                new dev.jfaas.queue.document.CallBroker.Backlog(0, FunctionName.parse("b", null)));
        assertThat(redis.exists(old)).as("the old stream goes").isZero();
        var a = broker.fetch("q", 0, FunctionName.parse("a", null), 10);
        assertThat(a).hasSize(2).allSatisfy(d -> assertThat(d.callId()).isEqualTo("call-a.openfaas-fn"));
        assertThat(broker.fetch("q", 0, FunctionName.parse("b", null), 10)).extracting(d -> d.callId())
                .containsExactly("call-b.openfaas-fn");
    }
}
