package dev.jfaas.function;

import dev.jfaas.settings.Durations;
import java.time.Duration;

/** Durations in a request (annotations, headers): as {@link Durations} reads them, a 400 when not one. */
public final class DurationText {

    private DurationText() {}

    public static Duration parse(String what, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid("invalid " + what + " \"" + text + "\": " + e.getMessage());
        }
    }

    public static Duration parseOr(String what, String text, Duration fallback) {
        return text == null || text.isBlank() ? fallback : parse(what, text);
    }
}
