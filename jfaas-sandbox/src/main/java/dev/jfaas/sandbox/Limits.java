package dev.jfaas.sandbox;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * What one replica may use: memory in bytes and CPU in millicores (0 = no limit), and at most
 * {@code pids} processes and threads, so a fork bomb stays inside its replica.
 */
public record Limits(long memoryBytes, long cpuMillis, int pids) {

    /** Below this nothing useful starts; a typo like "64" (bytes) should be a 400, not a crash loop. */
    public static final long MIN_MEMORY = 4L << 20;
    public static final long MIN_CPU_MILLIS = 10;

    public Limits {
        if (memoryBytes < 0 || cpuMillis < 0 || pids < 1) {
            throw new IllegalArgumentException("limits must not be negative and allow at least one process");
        }
    }

    /**
     * Reads OpenFaaS/Kubernetes quantities: memory as {@code 128Mi}, {@code 1Gi}, {@code 500M} or
     * bytes; cpu as {@code 500m}, {@code 1} or {@code 0.5}. Null or blank means no limit.
     *
     * @throws IllegalArgumentException with a message a user can act on
     */
    public static Limits parse(String memory, String cpu, int pids) {
        return new Limits(memoryBytes(memory), cpuMillis(cpu), pids);
    }

    static long memoryBytes(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        var t = text.strip();
        long unit = 1;
        int cut = t.length();
        for (var suffix : SUFFIXES) {
            if (t.endsWith(suffix.text())) {
                unit = suffix.bytes();
                cut = t.length() - suffix.text().length();
                break;
            }
        }
        if (t.endsWith("m")) {
            throw new IllegalArgumentException("invalid limits.memory \"" + text
                    + "\": \"m\" means thousandths; write " + t.substring(0, t.length() - 1) + "Mi or "
                    + t.substring(0, t.length() - 1) + "M");
        }
        long bytes;
        try {
            bytes = new BigDecimal(t.substring(0, cut)).multiply(BigDecimal.valueOf(unit)).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid limits.memory \"" + text + "\": use a quantity like 128Mi, 1Gi or 500M");
        }
        if (bytes < MIN_MEMORY) {
            throw new IllegalArgumentException("limits.memory \"" + text + "\" is below the least a replica can run in (4Mi)");
        }
        return bytes;
    }

    static long cpuMillis(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        var t = text.strip().toLowerCase(Locale.ROOT);
        long millis;
        try {
            millis = t.endsWith("m")
                    ? new BigDecimal(t.substring(0, t.length() - 1)).longValueExact()
                    : new BigDecimal(t).movePointRight(3).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid limits.cpu \"" + text + "\": use cores like 0.5 or 2, or millicores like 500m");
        }
        if (millis < MIN_CPU_MILLIS) {
            throw new IllegalArgumentException("limits.cpu \"" + text + "\" is below the least a replica can have (10m)");
        }
        return millis;
    }

    private record Suffix(String text, long bytes) {}

    /** Longest first, so "Mi" is not read as "i" after "M". */
    private static final Suffix[] SUFFIXES = {
        new Suffix("Ki", 1L << 10), new Suffix("Mi", 1L << 20), new Suffix("Gi", 1L << 30), new Suffix("Ti", 1L << 40),
        new Suffix("k", 1_000L), new Suffix("K", 1_000L), new Suffix("M", 1_000_000L), new Suffix("G", 1_000_000_000L),
        new Suffix("T", 1_000_000_000_000L),
    };
}
