package dev.jfaas.function;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How a function scales, from its OpenFaaS {@code com.openfaas.scale.*} labels. Invalid values
 * are rejected at deploy.
 */
public record ScalingPolicy(
        int min,
        int max,
        int target,
        double targetProportion,
        Type type,
        boolean zero,
        Duration zeroDuration) {

    public static final String PREFIX = "com.openfaas.scale.";

    /** What the autoscaler counts as load. */
    public enum Type {
        RPS,
        CAPACITY,
        QUEUE
    }

    public static ScalingPolicy of(Map<String, String> labels) {
        int min = count(labels, "min", 1, 0);
        int max = count(labels, "max", 20, 1);
        if (min > max) {
            throw RequestRejected.invalid("invalid label " + PREFIX + "min=" + min + ": it is above "
                    + PREFIX + "max=" + max);
        }
        int target = count(labels, "target", 50, 1);
        double proportion = proportion(labels.get(PREFIX + "target-proportion"));
        var type = type(labels.get(PREFIX + "type"));
        boolean zero = flag(labels.get(PREFIX + "zero"));
        var zeroDuration = DurationText.parseOr("label " + PREFIX + "zero-duration",
                labels.get(PREFIX + "zero-duration"), Duration.ofMinutes(15));
        return new ScalingPolicy(min, max, target, proportion, type, zero, zeroDuration);
    }

    /** Desired replicas clamped to what the policy allows; 0 always allowed (an explicit scale-down). */
    public int clamp(int replicas) {
        return replicas <= 0 ? 0 : Math.min(replicas, max);
    }

    private static int count(Map<String, String> labels, String key, int fallback, int least) {
        var text = labels.get(PREFIX + key);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= least) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid label " + PREFIX + key + "=\"" + text
                + "\": use a whole number, at least " + least);
    }

    private static double proportion(String text) {
        if (text == null || text.isBlank()) {
            return 0.9;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (value > 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid label " + PREFIX + "target-proportion=\"" + text
                + "\": use a number above 0 and at most 1");
    }

    private static Type type(String text) {
        if (text == null || text.isBlank()) {
            return Type.RPS;
        }
        try {
            return Type.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid("invalid label " + PREFIX + "type=\"" + text + "\": use rps, capacity or queue");
        }
    }

    private static boolean flag(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw RequestRejected.invalid("invalid label " + PREFIX + "zero=\"" + text + "\": use true or false");
        };
    }
}
