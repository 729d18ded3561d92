package dev.jfaas.cli;

import java.time.Duration;
import java.util.regex.Pattern;

/** "90s", "5m", "1h30m" as the CLI's --since takes them. */
final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {}

    static Duration parse(String text) {
        var m = PART.matcher(text.strip());
        long millis = 0;
        int at = 0;
        while (m.find() && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            at = m.end();
        }
        if (at == 0 || at != text.strip().length()) {
            throw new CliError("invalid duration \"" + text + "\": use e.g. 30s, 5m, 1h30m");
        }
        return Duration.ofMillis(millis);
    }
}
