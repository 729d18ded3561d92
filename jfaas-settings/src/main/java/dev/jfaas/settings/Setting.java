package dev.jfaas.settings;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One setting of a jfaas process: its name, what it is for, the value it has when nobody sets it, and
 * how a text becomes its value. Parts declare theirs as constants next to the typed settings they
 * build; {@link Settings} reads them.
 *
 * @param name         the environment variable, {@code JFAAS_…}
 * @param help         one line for people: what it does and what it accepts
 * @param shownDefault the default as the settings table shows it, in Markdown ({@code –} for none)
 * @param parser       a text to the value, or an IllegalArgumentException saying what is accepted
 * @param fallback     the value when it is not set, computed from the other settings (null: unset)
 * @param shown        how a value may be shown: whole, or masked because it is or holds a secret
 */
public record Setting<T>(String name, String help, String shownDefault, Parser<T> parser,
        Function<Settings, T> fallback, Shown shown) {

    /** Turns a setting's text into its value; the message of what it throws says what is accepted. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    /** How a value may appear in {@code jfaas config} and the log. */
    public enum Shown {
        /** as it is */
        PLAIN,
        /** never: a password or key */
        SECRET,
        /** URLs with the password of their user part masked ({@code amqp://guest:****@host}) */
        URLS
    }

    public Setting {
        if (!name.startsWith("JFAAS_")) {
            throw new IllegalArgumentException("a jfaas setting's name starts with JFAAS_: " + name);
        }
    }

    /** A text setting; {@code fallback} null means unset by default. */
    public static Setting<String> text(String name, String fallback, String help) {
        return new Setting<>(name, help, fallback == null ? "–" : code(fallback), text -> text, settings -> fallback, Shown.PLAIN);
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> integer(String name, int fallback, int min, int max, String help) {
        return new Setting<>(name, help, code(fallback), text -> (int) whole(text, min, max), settings -> fallback,
                Shown.PLAIN);
    }

    /** A whole number of at least {@code min}. */
    public static Setting<Long> number(String name, long fallback, long min, String help) {
        return new Setting<>(name, help, code(fallback), text -> whole(text, min, Long.MAX_VALUE),
                settings -> fallback, Shown.PLAIN);
    }

    /** A duration: whole seconds or Go style (1m30s, 500ms, 2h). */
    public static Setting<Duration> duration(String name, Duration fallback, String help) {
        return new Setting<>(name, help, code(Durations.text(fallback)), Durations::parse, settings -> fallback, Shown.PLAIN);
    }

    /** {@code true} or {@code false}. */
    public static Setting<Boolean> flag(String name, boolean fallback, String help) {
        return new Setting<>(name, help, code(fallback), Setting::bool, settings -> fallback, Shown.PLAIN);
    }

    /** One of a few words (case does not matter), each standing for a value. */
    public static <E> Setting<E> oneOf(String name, String fallback, Map<String, E> choices, String help) {
        Parser<E> parser = text -> {
            var value = choices.get(text.strip().toLowerCase(Locale.ROOT));
            if (value == null) {
                throw new IllegalArgumentException("use one of " + String.join(", ", new java.util.TreeSet<>(choices.keySet())));
            }
            return value;
        };
        return new Setting<>(name, help, code(fallback), parser, settings -> parser.parse(fallback), Shown.PLAIN);
    }

    /** A value of any type, parsed by {@code parser}; {@code fallback} is parsed the same way. */
    public static <T> Setting<T> parsed(String name, String fallback, Parser<T> parser, String help) {
        return new Setting<>(name, help, code(fallback), parser, settings -> parser.parse(fallback), Shown.PLAIN);
    }

    /** This setting, its default computed from the other settings and the machine (shown as {@code shownDefault}). */
    public Setting<T> derived(String shownDefault, Function<Settings, T> fallback) {
        return new Setting<>(name, help, shownDefault, parser, fallback, shown);
    }

    /** This setting, never shown: a password or a key. */
    public Setting<T> secret() {
        return new Setting<>(name, help, shownDefault, parser, fallback, Shown.SECRET);
    }

    /** This setting, holding URLs whose passwords are masked when shown. */
    public Setting<T> urls() {
        return new Setting<>(name, help, shownDefault, parser, fallback, Shown.URLS);
    }

    private static String code(Object value) {
        return "`" + value + "`";
    }

    private static long whole(String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(range(min, max));
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(range(min, max));
        }
        return value;
    }

    private static String range(long min, long max) {
        return max == Long.MAX_VALUE ? "use a whole number of at least " + min
                : "use a whole number from " + min + " to " + max;
    }

    private static boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("use true or false");
        };
    }
}
