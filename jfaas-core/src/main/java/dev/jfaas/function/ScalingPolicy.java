package dev.jfaas.function;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How a function scales, from its OpenFaaS {@code com.openfaas.scale.*} labels. Invalid values
 * are rejected at deploy. {@code targetGiven}: whether the labels set a target; without one the
 * autoscaler also checks that replicas it adds to a saturated function pay off.
 */
public record ScalingPolicy(
        int min,
        int max,
        int target,
        double targetProportion,
        Type type,
        boolean zero,
        Duration zeroDuration,
        boolean targetGiven) {

    public static final String PREFIX = "com.openfaas.scale.";
    /**
     * Without a target label, rps scaling asks for another replica past 5 calls/s each, as
     * OpenFaaS CE's default alert fires past 5 calls/s; capacity and queue keep 50 (OpenFaaS Pro's).
     */
    public static final int DEFAULT_RPS_TARGET = 5;
    public static final int DEFAULT_TARGET = 50;

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
        var type = type(labels.get(PREFIX + "type"));
        int target = count(labels, "target", type == Type.RPS ? DEFAULT_RPS_TARGET : DEFAULT_TARGET, 1);
        double proportion = proportion(labels.get(PREFIX + "target-proportion"));
        boolean zero = flag(labels.get(PREFIX + "zero"));
        var zeroDuration = DurationText.parseOr("label " + PREFIX + "zero-duration",
                labels.get(PREFIX + "zero-duration"), Duration.ofMinutes(15));
        var targetText = labels.get(PREFIX + "target");
        return new ScalingPolicy(min, max, target, proportion, type, zero, zeroDuration, targetText != null && !targetText.isBlank());
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
