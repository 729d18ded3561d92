package dev.jfaas.triggers.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.jfaas.function.DurationText;
import dev.jfaas.function.RequestRejected;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * When a function fires, as the OpenFaaS cron-connector reads its {@code schedule} annotation:
 * five-field cron (with the usual {@code @daily}-style names) or {@code @every 30s}. Firing times
 * are computed, never counted from when a process started, so every gateway derives the same
 * times and one firing is one idempotency key in the queue.
 */
public sealed interface Schedule {

    /** The first firing strictly after {@code after}. */
    Optional<Instant> next(Instant after);

    /** The latest firing at or before {@code atOrBefore}. */
    Optional<Instant> last(Instant atOrBefore);

    /** The schedule as written. */
    String text();

    ZoneId zone();

    /** Five cron fields, evaluated in {@code zone}. */
    record Cron(String text, ZoneId zone, ExecutionTime times) implements Schedule {
        /** Equal when written alike: the parsed times have no equality of their own. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Cron cron && cron.text.equals(text) && cron.zone.equals(zone);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(text, zone);
        }

        @Override
        public Optional<Instant> next(Instant after) {
            return times.nextExecution(after.atZone(zone)).map(t -> t.toInstant());
        }

        @Override
        public Optional<Instant> last(Instant atOrBefore) {
            // lastExecution is strictly before its argument: ask just after to include an exact hit.
            return times.lastExecution(atOrBefore.plusMillis(1).atZone(zone)).map(t -> t.toInstant());
        }
    }

    /** A fixed interval, aligned to the epoch (so 30s fires at :00 and :30 on every gateway). */
    record Every(String text, Duration interval) implements Schedule {
        @Override
        public Optional<Instant> next(Instant after) {
            long step = interval.toMillis();
            return Optional.of(Instant.ofEpochMilli(Math.floorDiv(after.toEpochMilli(), step) * step + step));
        }

        @Override
        public Optional<Instant> last(Instant atOrBefore) {
            long step = interval.toMillis();
            return Optional.of(Instant.ofEpochMilli(Math.floorDiv(atOrBefore.toEpochMilli(), step) * step));
        }

        @Override
        public ZoneId zone() {
            return UTC;
        }
    }

    Duration SHORTEST_EVERY = Duration.ofSeconds(1);

    /** Named "UTC" (not "Z"), as people write it. */
    ZoneId UTC = ZoneId.of("UTC");

    /** The names cron implementations accept for common schedules. */
    Map<String, String> NAMED = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    /** The parser is built once: cron-utils parsers are immutable and shared safely. */
    final class Parsers {
        static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

        private Parsers() {}
    }

    /** @throws RequestRejected 400 with what is wrong */
    static Schedule parse(String text, String timezone) {
        var value = text == null ? "" : text.strip();
        if (value.isEmpty()) {
            throw RequestRejected.invalid("the schedule annotation is empty: use five cron fields (\"*/5 * * * *\") or \"@every 30s\"");
        }
        if (value.length() > 200) {
            throw RequestRejected.invalid("the schedule annotation is longer than 200 characters");
        }
        if (value.startsWith("@every")) {
            var interval = DurationText.parse("schedule interval", value.substring("@every".length()).strip());
            if (interval.compareTo(SHORTEST_EVERY) < 0) {
                throw RequestRejected.invalid("invalid schedule \"" + value + "\": the shortest interval is 1s");
            }
            return new Every(value, interval);
        }
        ZoneId zone;
        try {
            zone = timezone == null || timezone.isBlank() ? UTC : ZoneId.of(timezone.strip());
        } catch (DateTimeException e) {
            throw RequestRejected.invalid("invalid schedule timezone \"" + timezone + "\": use a name like Europe/Berlin or UTC");
        }
        var expression = NAMED.getOrDefault(value, value);
        try {
            var cron = Parsers.UNIX.parse(expression);
            cron.validate();
            return new Cron(value, zone, ExecutionTime.forCron(cron));
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid("invalid schedule \"" + value + "\": " + e.getMessage()
                    + " (use five cron fields: minute hour day-of-month month day-of-week, or @every 30s)");
        }
    }
}
