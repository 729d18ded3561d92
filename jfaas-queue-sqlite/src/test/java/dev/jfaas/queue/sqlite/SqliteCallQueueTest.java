package dev.jfaas.queue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.tck.CallQueueContract;
import dev.jfaas.store.sqlite.Durability;
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
}
