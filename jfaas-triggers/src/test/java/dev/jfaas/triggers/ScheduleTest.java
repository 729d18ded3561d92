package dev.jfaas.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jfaas.function.RequestRejected;
import dev.jfaas.triggers.schedule.Schedule;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void fiveFieldCronFiresAtItsMinutesInItsTimezone() {
        var every5 = Schedule.parse("*/5 * * * *", null);
        var at = Instant.parse("2026-12-01T10:02:30Z");
        assertThat(every5.next(at)).contains(Instant.parse("2026-12-01T10:05:00Z"));
        assertThat(every5.last(at)).contains(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(every5.last(Instant.parse("2026-12-01T10:05:00Z"))).as("an exact hit is the last firing")
                .contains(Instant.parse("2026-12-01T10:05:00Z"));

        var nineInBerlin = Schedule.parse("0 9 * * *", "Europe/Berlin");
        assertThat(nineInBerlin.next(at)).contains(Instant.parse("2026-12-02T08:00:00Z"));
        assertThat(Schedule.parse("@hourly", null).next(at)).contains(Instant.parse("2026-12-01T11:00:00Z"));
    }

    @Test
    void everyIsAlignedToTheEpochSoEveryGatewayFiresAtTheSameTimes() {
        var every30 = Schedule.parse("@every 30s", null);
        assertThat(every30.next(Instant.parse("2026-12-01T10:00:07.250Z"))).contains(Instant.parse("2026-12-01T10:00:30Z"));
        assertThat(every30.next(Instant.parse("2026-12-01T10:00:30Z"))).contains(Instant.parse("2026-12-01T10:01:00Z"));
        assertThat(every30.last(Instant.parse("2026-12-01T10:00:59Z"))).contains(Instant.parse("2026-12-01T10:00:30Z"));
        assertThat(Schedule.parse("@every 1m30s", null).next(Instant.EPOCH)).contains(Instant.ofEpochSecond(90));
    }

    @Test
    void badSchedulesAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> Schedule.parse("61 * * * *", null)).isInstanceOf(RequestRejected.class)
                .hasMessageContaining("invalid schedule \"61 * * * *\"");
        assertThatThrownBy(() -> Schedule.parse("* * *", null)).isInstanceOf(RequestRejected.class);
        assertThatThrownBy(() -> Schedule.parse("@every 100ms", null)).hasMessageContaining("shortest interval is 1s");
        assertThatThrownBy(() -> Schedule.parse("@every soon", null)).isInstanceOf(RequestRejected.class);
        assertThatThrownBy(() -> Schedule.parse("0 9 * * *", "Mars/Olympus")).hasMessageContaining("timezone");
        assertThatThrownBy(() -> Schedule.parse("", null)).hasMessageContaining("empty");
    }
}
