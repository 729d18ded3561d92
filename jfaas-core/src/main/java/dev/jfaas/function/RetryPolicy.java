package dev.jfaas.function;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * How an async call is retried, from the function's annotations ({@code com.openfaas.retry.*},
 * {@code com.jfaas.retry.max_age}); invalid values are rejected at deploy.
 */
public record RetryPolicy(int maxAttempts, Set<Integer> retryCodes, Duration minWait, Duration maxWait, Duration maxAge) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Set.of(408, 429, 500, 502, 503, 504),
            Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofHours(6));

    public static RetryPolicy of(Map<String, String> annotations) {
        int attempts = attempts(annotations.get("com.openfaas.retry.attempts"));
        var codes = codes(annotations.get("com.openfaas.retry.codes"));
        var minWait = DurationText.parseOr("annotation com.openfaas.retry.min_wait",
                annotations.get("com.openfaas.retry.min_wait"), DEFAULT.minWait());
        var maxWait = DurationText.parseOr("annotation com.openfaas.retry.max_wait",
                annotations.get("com.openfaas.retry.max_wait"), DEFAULT.maxWait());
        var maxAge = DurationText.parseOr("annotation com.jfaas.retry.max_age",
                annotations.get("com.jfaas.retry.max_age"), DEFAULT.maxAge());
        if (maxWait.compareTo(minWait) < 0) {
            throw RequestRejected.invalid("annotation com.openfaas.retry.max_wait (" + maxWait
                    + ") is below com.openfaas.retry.min_wait (" + minWait + ")");
        }
        return new RetryPolicy(attempts, codes, minWait, maxWait, maxAge);
    }

    /** Errors made by jfaas itself are always retried; a function's own status only if listed. */
    public boolean retries(int status, boolean internal) {
        return internal || retryCodes.contains(status);
    }

    /**
     * The wait before attempt {@code attempt + 1}: exponential from min_wait, capped at max_wait,
     * with full jitter; a Retry-After replaces it, though never below min_wait.
     */
    public Duration backoff(int attempt, Duration retryAfter, RandomGenerator random) {
        if (retryAfter != null) {
            return retryAfter.compareTo(minWait) < 0 ? minWait : retryAfter;
        }
        if (minWait.isZero()) {
            return Duration.ZERO;
        }
        return new Backoff(minWait, maxWait).jittered(attempt, random);
    }

    private static int attempts(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT.maxAttempts();
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 1 && value <= 1000) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid annotation com.openfaas.retry.attempts=\"" + text + "\": use 1 to 1000");
    }

    private static Set<Integer> codes(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT.retryCodes();
        }
        try {
            var codes = Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .map(Integer::parseInt).collect(Collectors.toUnmodifiableSet());
            if (!codes.isEmpty() && codes.stream().allMatch(c -> c >= 100 && c <= 599)) {
                return codes;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid annotation com.openfaas.retry.codes=\"" + text
                + "\": use a comma list of HTTP statuses, e.g. 429,502,503");
    }
}
