package dev.jfaas.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CallIdsTest {

    @Test
    void idsAreVersionSevenUuidsCarryingTheirTime() {
        long now = 1_796_000_000_123L;
        var id = CallIds.at(now);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now);
        assertThat(UUID.fromString(CallIds.next()).version()).isEqualTo(7);
    }

    @Test
    void laterIdsSortAfterEarlierOnesAsText() {
        // What keeps the embedded queue's unique index appending: a later millisecond sorts later as a string.
        var earlier = CallIds.at(1_796_000_000_123L).toString();
        var later = CallIds.at(1_796_000_000_124L).toString();
        assertThat(later).isGreaterThan(earlier);
    }

    @Test
    void idsMadeInTheSameMillisecondDiffer() {
        var seen = new HashSet<UUID>();
        for (int i = 0; i < 100_000; i++) {
            seen.add(CallIds.at(1_796_000_000_123L));
        }
        assertThat(seen).hasSize(100_000);
    }
}
