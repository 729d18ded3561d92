package dev.jfaas.app;

import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue load for the autoscaler and the metrics scrape when it costs broker round trips: the
 * last answer is served while one refresh at a time runs in the background, so neither waits on
 * the broker, and an unreachable broker leaves the last known numbers in place.
 */
final class RecentQueueStats implements Supplier<List<QueueStats>> {

    private static final Logger log = LoggerFactory.getLogger(RecentQueueStats.class);

    private final CallQueue queue;
    private final long maxAgeNanos;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile List<QueueStats> last = List.of();
    private volatile long takenAt = Long.MIN_VALUE;

    RecentQueueStats(CallQueue queue, Duration maxAge) {
        this.queue = queue;
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public List<QueueStats> get() {
        if ((takenAt == Long.MIN_VALUE || System.nanoTime() - takenAt > maxAgeNanos) && refreshing.compareAndSet(false, true)) {
            queue.load().whenComplete((stats, failure) -> {
                if (stats != null) {
                    last = stats;
                    takenAt = System.nanoTime();
                } else {
                    log.debug("queue stats unavailable: {}", failure.getMessage());
                }
                refreshing.set(false);
            });
        }
        return last;
    }
}
