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
}
