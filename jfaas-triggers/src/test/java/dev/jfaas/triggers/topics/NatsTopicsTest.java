package dev.jfaas.triggers.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How many unacknowledged JetStream events a process lets the server send it at once. */
class NatsTopicsTest {

    static final long MB = 1 << 20;

    @Test
    void asManyOfTheServersLargestMessagesAsFitTheHeapsShare() {
        assertThat(NatsTopics.maxAckPending(64 * MB, MB)).isEqualTo(64);
    }

    @Test
    void aSmallHeapStillTakesSixteenAndALargeOneNoMoreThan256() {
        assertThat(NatsTopics.maxAckPending(12 * MB, MB)).isEqualTo(16);
        assertThat(NatsTopics.maxAckPending(4096 * MB, MB)).isEqualTo(256);
        assertThat(NatsTopics.maxAckPending(12 * MB, 0)).isEqualTo(256);
    }
}
