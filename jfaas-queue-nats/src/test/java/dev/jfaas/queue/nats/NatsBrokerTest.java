package dev.jfaas.queue.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.document.CallCodec;
import dev.jfaas.queue.document.CallDocument;
import dev.jfaas.queue.document.DocumentKeys;
import dev.jfaas.queue.tck.BrokerAvailability;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The passes over call documents, against the real server: every document, or those written before a time. */
class NatsBrokerTest {

    static final String URL = NatsCallQueueTest.URL;

    @BeforeAll
    static void serverIsThere() {
        BrokerAvailability.require("NATS JetStream", URL);
    }

    private final String prefix = "b" + UUID.randomUUID().toString().substring(0, 12);
    private final NatsBroker broker = NatsBroker.connect(NatsSettings.of(URL, prefix), new NatsNames(prefix));

    @AfterEach
    void removeStreams() throws Exception {
        broker.close();
        NatsTestServer.removeStreams(URL, prefix);
    }

    private String write(String callId) throws Exception {
        var call = new QueuedCall(callId, FunctionName.parse("fn", null), "q", 0, "POST", "/", "", List.of(),
                new byte[0], null, null, Instant.now(), 3);
        broker.put(DocumentKeys.document(callId), CallCodec.document(CallDocument.queued(call)));
        return callId;
    }

    private List<String> writtenBefore(Instant before) throws Exception {
        var seen = new ArrayList<String>();
        broker.eachDocumentWrittenBefore(before, doc -> seen.add(doc.callId()));
        return seen;
    }

    @Test
    void aPassUpToATimeLeavesOutWhatWasWrittenSinceAndKeepsTheOrderWritten() throws Exception {
        write("old-1");
        write("old-2");
        write("gone");
        broker.delete(DocumentKeys.document("gone"));
        var cutoff = Instant.now();
        write("young");
        write("old-2"); // written again: now young too

        assertThat(writtenBefore(cutoff)).containsExactly("old-1");
        assertThat(writtenBefore(Instant.now().plusSeconds(1))).containsExactly("old-1", "young", "old-2");
        var all = new ArrayList<String>();
        broker.eachDocument(doc -> all.add(doc.callId()));
        assertThat(all).containsExactlyInAnyOrder("old-1", "young", "old-2");
    }

    @Test
    void aPassUpToATimeBeforeEveryDocumentReadsNone() throws Exception {
        var cutoff = Instant.now();
        write("a");
        write("b");
        assertThat(writtenBefore(cutoff)).isEmpty();
        assertThat(writtenBefore(Instant.now().minusSeconds(60))).isEmpty();
    }

    @Test
    void anEmptyBucketHasNothingToPass() throws Exception {
        assertThat(writtenBefore(Instant.now())).isEmpty();
    }

    @Test
    void anEarlierVersionsPriorityConsumerMakesWayForTheFunctionsOwn() throws Exception {
        // As an earlier version left a queue: its work stream, one consumer per priority over every
        // function (a work-queue stream refuses the per-function ones beside it), a call waiting.
        var names = new NatsNames(prefix);
        try (var nats = io.nats.client.Nats.connect(URL)) {
            var jsm = nats.jetStreamManagement();
            jsm.addStream(io.nats.client.api.StreamConfiguration.builder().name(names.workStream("q")).subjects(names.workSubjects("q"))
                    .retentionPolicy(io.nats.client.api.RetentionPolicy.WorkQueue).build());
            jsm.addOrUpdateConsumer(names.workStream("q"), io.nats.client.api.ConsumerConfiguration.builder()
                    .durable(NatsNames.priorityConsumer(0)).filterSubject(prefix + ".q.q.0.*")
                    .ackPolicy(io.nats.client.api.AckPolicy.Explicit).build());
            var headers = new io.nats.client.impl.Headers().put("Jfaas-Call-Id", "waiting");
            nats.jetStream().publish(names.workSubject("q", 0, "fn.openfaas-fn"), headers, new byte[] {1});
        }
        var fn = FunctionName.parse("fn", null);
        assertThat(broker.backlog("q")).containsExactly(new dev.jfaas.queue.document.CallBroker.Backlog(0, fn));
        assertThat(broker.fetch("q", 0, fn, 10)).extracting(d -> d.callId()).containsExactly("waiting");
    }
}
