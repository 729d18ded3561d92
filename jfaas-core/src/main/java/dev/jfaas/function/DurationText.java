package dev.jfaas.function;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as OpenFaaS writes them: integer seconds ("30") or Go style ("1m30s", "500ms", "2h"). */
public final class DurationText {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private DurationText() {}

    public static Duration parse(String what, String text) {
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
            throw RequestRejected.invalid("invalid " + what + " \"" + text
                    + "\": use whole seconds (30) or a duration like 1m30s, 500ms, 2h");
        }
        return Duration.ofNanos(nanos);
    }

    public static Duration parseOr(String what, String text, Duration fallback) {
        return text == null || text.isBlank() ? fallback : parse(what, text);
    }
}
