package dev.jfaas.queue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.tck.CallQueueContract;
import dev.jfaas.store.sqlite.Durability;
import dev.jfaas.store.sqlite.SqliteDatabase;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCallQueueTest extends CallQueueContract {

    @TempDir
    Path dir;

    @Override
    protected CallQueue newQueue() {
        return new SqliteCallQueue(dir.resolve("queue.db"), Durability.FULL, Clock.systemUTC());
    }

    @Test
    void acceptedCallsAndLeasesSurviveReopening() {
        var waiting = enqueue(call(FN, 0));
        var running = enqueue(call(FN, 9));
        assertThat(lease(1).getFirst().call().callId()).isEqualTo(running);
        queue.close();
        queue = newQueue();
        assertThat(status(waiting)).isEqualTo(CallStatus.QUEUED);
        assertThat(status(running)).isEqualTo(CallStatus.RUNNING);
        assertThat(lease(10)).extracting(l -> l.call().callId()).containsExactly(waiting);
    }

    @Test
    void aQueueFromBeforeRequestsAndResultsHadTablesOfTheirOwnKeepsThem() {
        // The schema as it stood before the split: one calls table holding requests and results.
        var file = dir.resolve("old.db");
        var old = new SqliteDatabase(file, Durability.FULL, CallTables.SCHEMA.subList(0, 8));
        old.writeAndWait(c -> old.update("INSERT INTO calls(call_id, queue, namespace, function, priority, status, "
                + "max_attempts, not_before, accepted_at, method, path, query, headers, body) VALUES "
                + "('waiting', ?, 'openfaas-fn', 'fn', 0, 'queued', 3, 0, 1, 'PUT', '/p', 'a=1', "
                + "'[{\"name\":\"X-A\",\"value\":\"b\"}]', X'68690a')", Q));
        old.writeAndWait(c -> old.update("INSERT INTO calls(call_id, queue, namespace, function, priority, status, "
                + "max_attempts, not_before, accepted_at, method, path, query, headers, body, status_code, duration, "
                + "result_headers, result_body, result_truncated) VALUES ('done', ?, 'openfaas-fn', 'fn', 0, "
                + "'succeeded', 3, 0, 1, 'POST', '', '', '[]', X'', 201, 0.5, '[]', X'6f6b', 0)", Q));
        old.close();
        queue.close();
        queue = new SqliteCallQueue(file, Durability.FULL, Clock.systemUTC());

        var result = queue.result("done").join().orElseThrow();
        assertThat(result.status()).isEqualTo(201);
        assertThat(new String(result.body())).isEqualTo("ok");
        var leased = lease(10);
        assertThat(leased).hasSize(1);
        var call = leased.getFirst().call();
        assertThat(call.callId()).isEqualTo("waiting");
        assertThat(call.method()).isEqualTo("PUT");
        assertThat(call.query()).isEqualTo("a=1");
        assertThat(call.headers()).extracting(h -> h.name() + "=" + h.value()).containsExactly("X-A=b");
        assertThat(new String(call.body())).isEqualTo("hi\n");
    }

    @Test
    void aReplayedCallThatEndsWithoutAnAnswerNoLongerShowsTheEarlierOne() {
        var id = enqueue(call(FN, 0));
        var first = lease(1).getFirst();
        assertThat(queue.finish(first, CallStatus.DEAD, response(500, "first"), "boom").join()).isTrue();
        assertThat(queue.replay(id).join()).isTrue();
        var second = lease(1).getFirst();
        assertThat(queue.finish(second, CallStatus.DEAD, null, "out of attempts").join()).isTrue();
        assertThat(queue.result(id).join()).isEmpty();
    }
}
