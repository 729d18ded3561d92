package dev.jfaas.store.sqlite;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether a failure that repeats (a full disk fails every commit, several a second) should be
 * logged now: the first time, then once a {@code period} with how many were not, and again at
 * once when the message changes. The log says what is wrong without drowning everything else.
 */
final class RepeatedFailure {

    /** Log {@code message}, saying that {@code suppressed} like it were not logged since the last time. */
    record Report(String message, long suppressed) {}

    private final long periodNanos;
    private final LongSupplier clock;
    private String last;
    private long lastLoggedAt;
    private long suppressed;

    RepeatedFailure(Duration period, LongSupplier nanoClock) {
        this.periodNanos = period.toNanos();
        this.clock = nanoClock;
    }

    /** @return what to log now, or null to stay quiet */
    synchronized Report occurred(String message) {
        long now = clock.getAsLong();
        if (message.equals(last) && now - lastLoggedAt < periodNanos) {
            suppressed++;
            return null;
        }
        var report = new Report(message, message.equals(last) ? suppressed : 0);
        last = message;
        lastLoggedAt = now;
        suppressed = 0;
        return report;
    }

    /** The failure is over: the next one is logged at once. */
    synchronized void cleared() {
        last = null;
        suppressed = 0;
    }
}
