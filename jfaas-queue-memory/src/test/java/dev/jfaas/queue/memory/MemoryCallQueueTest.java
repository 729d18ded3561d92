package dev.jfaas.queue.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.tck.CallQueueContract;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class MemoryCallQueueTest extends CallQueueContract {

    @Override
    protected CallQueue newQueue() {
        return new MemoryCallQueue();
    }

    @Test
    void aFullQueueRefusesInsteadOfDropping() {
        try (var small = new MemoryCallQueue(2, Clock.systemUTC())) {
            small.enqueue(call(FN, 0)).join();
            small.enqueue(call(FN, 0)).join();
            assertThatThrownBy(() -> small.enqueue(call(FN, 0)).join()).hasCauseInstanceOf(QueueUnavailable.class);
        }
    }
}
