import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed rate (wrk cannot do that): each request is timed from when it was
 * due, not when it was sent, so a stalled server is not hidden (no coordinated omission).
 * Usage: java FixedRateLoad.java URL RATE SECONDS  → prints "p50_ms p99_ms max_ms errors".
 */
public class FixedRateLoad {
    public static void main(String[] args) throws Exception {
        var uri = URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var body = "x".repeat(100);
        int total = rate * seconds;
        var latencies = new long[total];
        var errors = new AtomicInteger();
        var done = new CountDownLatch(total);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                latencies[index] = System.nanoTime() - due;
                if (e != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                }
                done.countDown();
            });
        }
        done.await();
        // The first second warms connections up; leave it out.
        var measured = Arrays.copyOfRange(latencies, Math.min(rate, total - 1), total);
        Arrays.sort(measured);
        System.out.printf("%.3f %.3f %.3f %d%n", measured[measured.length / 2] / 1e6,
                measured[(int) (measured.length * 0.99)] / 1e6, measured[measured.length - 1] / 1e6, errors.get());
    }
}
