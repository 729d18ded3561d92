package dev.jfaas.settings;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as OpenFaaS writes them: whole seconds ("30") or Go style ("1m30s", "500ms", "2h"). */
public final class Durations {

    /** What a duration may look like, for messages. */
    public static final String ACCEPTED = "use whole seconds (30) or a duration like 1m30s, 500ms, 2h";

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {}

    /** @throws IllegalArgumentException saying {@link #ACCEPTED} */
    public static Duration parse(String text) {
        var value = text == null ? "" : text.strip();
        if (value.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        Matcher m = PART.matcher(value);
        long nanos = 0;
        int at = 0;
        while (!value.isEmpty() && m.find() && m.start() == at) {
            double amount = Double.parseDouble(m.group(1));
            long unitNanos = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (amount * unitNanos);
            at = m.end();
        }
        if (value.isEmpty() || at != value.length()) {
            throw new IllegalArgumentException(ACCEPTED);
        }
        return Duration.ofNanos(nanos);
    }

    /** As Go's time.Duration prints: 30s, 1m30s, 500ms, 24h0m0s is written 24h. */
    public static String text(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toMillis() < 1000) {
            return duration.toMillis() + "ms";
        }
        var out = new StringBuilder();
        long hours = duration.toHours();
        long minutes = duration.toMinutesPart();
        long seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0 || millis > 0) {
            out.append(millis == 0 ? Long.toString(seconds) : seconds + "." + String.format("%03d", millis).replaceAll("0+$", ""))
                    .append('s');
        }
        return out.toString();
    }
}
