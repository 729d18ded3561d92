import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latency of one call at a time to each of several URLs (100-byte POSTs), interleaved: each round
 * makes CALLS calls to each URL in turn. Prints the median and p90 per URL, and the median's
 * difference from the first URL's.
 * Usage: java CallLatency.java ROUNDS CALLS LABEL=URL...
 */
public class CallLatency {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        var targets = Arrays.copyOfRange(args, 2, args.length);
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var body = "x".repeat(100);
        var times = new ArrayList<List<Double>>();
        for (var target : targets) {
            times.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds + 1; r++) {
            for (int t = 0; t < targets.length; t++) {
                var uri = URI.create(targets[t].substring(targets[t].indexOf('=') + 1));
                for (int c = 0; c < calls; c++) {
                    long t0 = System.nanoTime();
                    var response = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(targets[t] + " answered " + response.statusCode() + ": " + response.body());
                    }
                    if (r > 0) { // the first round warms up
                        times.get(t).add(ms);
                    }
                }
            }
        }
        double first = percentile(times.get(0), 50);
        for (int t = 0; t < targets.length; t++) {
            var label = targets[t].substring(0, targets[t].indexOf('='));
            double median = percentile(times.get(t), 50);
            System.out.printf("call %-14s median %7.3f ms  p90 %7.3f ms  %+7.3f ms vs %s%n", label, median,
                    percentile(times.get(t), 90), median - first, targets[0].substring(0, targets[0].indexOf('=')));
        }
    }

    static double percentile(List<Double> values, int p) {
        var sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }
}
