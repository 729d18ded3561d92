import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Async calls at a fixed rate (open loop), then, for a sample of them, the time from accept to
 * the first start as the gateway recorded it ({@code GET /system/calls/{id}}: acceptedAt,
 * startedAt). Runs with FixedRateLoad.java beside it (JDK 22+ finds it). Usage: java AsyncLatency.java BASE_URL FUNCTION RATE SECONDS PASSWORD
 * → prints "accept_p99_ms start_p50_ms start_p99_ms start_max_ms errors sampled".
 */
public class AsyncLatency {
    public static void main(String[] args) throws Exception {
        var base = args[0];
        var function = args[1];
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        var auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + args[4]).getBytes());
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var callIds = new String[rate * seconds];
        // Fixed keep-alive connections, as FixedRateLoad (same directory) holds them: 128, since a
        // durable accept waits for its fsync'd group commit (~3 ms while a drain shares the disk),
        // and 32 connections then cap the client itself near 10k calls/s, measuring its own queue.
        var result = FixedRateLoad.load(URI.create(base + "/async-function/" + function), rate, seconds, 128, 202,
                (index, connection) -> callIds[index] = connection.headers.get("x-call-id"));
        var acceptNanos = result.latencies();
        var errors = result.errors();
        var ids = new ArrayList<String>();
        for (int i = rate; i < callIds.length; i++) { // the first second warms up
            if (callIds[i] != null) {
                ids.add(callIds[i]);
            }
        }
        int total = callIds.length;
        var accepted = Arrays.copyOfRange(acceptNanos, Math.min(rate, total - 1), total);
        Arrays.sort(accepted);
        var sample = ids;
        int step = Math.max(1, sample.size() / 2000);
        var waits = new ArrayList<Long>();
        var started = Pattern.compile("\"startedAt\"\\s*:\\s*\"([^\"]+)\"");
        var acceptedAt = Pattern.compile("\"acceptedAt\"\\s*:\\s*\"([^\"]+)\"");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (int i = 0; i < sample.size(); i += step) {
            var get = HttpRequest.newBuilder(URI.create(base + "/system/calls/" + sample.get(i)))
                    .header("Authorization", auth).build();
            while (true) {
                var text = client.send(get, HttpResponse.BodyHandlers.ofString()).body();
                var s = started.matcher(text);
                var a = acceptedAt.matcher(text);
                if (s.find() && a.find()) {
                    waits.add(Duration.between(Instant.parse(a.group(1)), Instant.parse(s.group(1))).toNanos());
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("call " + sample.get(i) + " never started: " + text);
                }
                Thread.sleep(20);
            }
        }
        var sorted = waits.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalStateException("no call was accepted (" + errors + " errors)");
        }
        System.out.printf("%.3f %.3f %.3f %.3f %d %d%n", accepted[(int) (accepted.length * 0.99)] / 1e6,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6,
                errors, sorted.length);
    }
}
