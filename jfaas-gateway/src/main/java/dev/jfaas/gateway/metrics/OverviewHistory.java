package dev.jfaas.gateway.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last hour of the portal's overview, kept in the gateway so a page opened (or reloaded)
 * shows where the numbers came from, not an empty chart: a sample every few seconds of calls/s,
 * errors/s, the p50 and p95 of call durations, and the async queue's depth and dead letters. A
 * ring of fixed size (720 samples of six numbers), written by one sampler.
 */
public final class OverviewHistory {

    /** What the gateway has counted so far: the sampler takes differences between two of these. */
    public record Totals(long calls, long failed, long[] bucketCounts, long depth, long dead) {}

    public static final Duration EVERY = Duration.ofSeconds(5);
    static final int SIZE = 720;

    private final long[] at = new long[SIZE];
    private final double[] rate = new double[SIZE];
    private final double[] errors = new double[SIZE];
    private final double[] p50 = new double[SIZE];
    private final double[] p95 = new double[SIZE];
    private final long[] depth = new long[SIZE];
    private final long[] dead = new long[SIZE];
    private final double[] bounds;
    private int next;
    private int count;
    private Totals previous;
    private long previousAt;

    /** @param bucketBounds the histogram's upper bounds, in milliseconds, ascending */
    OverviewHistory(double[] bucketBounds) {
        this.bounds = bucketBounds.clone();
    }

    /** Takes a sample at {@code nowMillis}: rates since the previous one (the first only sets the start). */
    synchronized void sample(Totals now, long nowMillis) {
        if (previous != null && nowMillis > previousAt) {
            double seconds = (nowMillis - previousAt) / 1000.0;
            long calls = Math.max(0, now.calls() - previous.calls());
            var delta = new long[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                delta[i] = Math.max(0, now.bucketCounts()[i] - previous.bucketCounts()[i]);
            }
            at[next] = nowMillis;
            rate[next] = calls / seconds;
            errors[next] = Math.max(0, now.failed() - previous.failed()) / seconds;
            p50[next] = quantile(delta, calls, 0.5);
            p95[next] = quantile(delta, calls, 0.95);
            depth[next] = now.depth();
            dead[next] = now.dead();
            next = (next + 1) % SIZE;
            count = Math.min(SIZE, count + 1);
        }
        previous = now;
        previousAt = nowMillis;
    }

    /**
     * The q-quantile of the calls counted in cumulative buckets, interpolated linearly inside the
     * bucket it falls in (a bucket's bound alone made every p50 read 5, 10, 25 or 50 ms).
     */
    double quantile(long[] cumulative, long total, double q) {
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        long below = 0;
        double lower = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= rank) {
                long inBucket = cumulative[i] - below;
                double share = inBucket == 0 ? 1 : (rank - below) / inBucket;
                return lower + share * (bounds[i] - lower);
            }
            below = cumulative[i];
            lower = bounds[i];
        }
        return lower; // past the last bound: at least that
    }

    /** The samples, oldest first, as columns: what the portal's charts take. */
    public synchronized Map<String, List<Number>> columns() {
        var columns = new LinkedHashMap<String, List<Number>>();
        for (var name : List.of("time", "rate", "errors", "p50", "p95", "depth", "dead")) {
            columns.put(name, new ArrayList<>(count));
        }
        for (int k = 0; k < count; k++) {
            int i = (next - count + k + SIZE) % SIZE;
            columns.get("time").add(at[i] / 1000.0);
            columns.get("rate").add(rate[i]);
            columns.get("errors").add(errors[i]);
            columns.get("p50").add(p50[i]);
            columns.get("p95").add(p95[i]);
            columns.get("depth").add(depth[i]);
            columns.get("dead").add(dead[i]);
        }
        return columns;
    }
}
