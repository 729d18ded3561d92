import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Cold starts of deployed http functions, interleaved in one run: each round scales each to 0 and
 * times its first call (to a 200 through the gateway), the order rotating from round to round. Prints the median per function, and each
 * against the first. Usage: java ColdStarts.java GATEWAY_URL PASSWORD ROUNDS PATH NAME...
 * With VERSION_OF=/path/to/java, each round also times that {@code java -version}, and each
 * function's median is given against its median too.
 */
public class ColdStarts {
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static String gateway;
    static String auth;

    public static void main(String[] args) throws Exception {
        gateway = args[0];
        auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + args[1]).getBytes(StandardCharsets.UTF_8));
        int rounds = Integer.parseInt(args[2]);
        var path = args[3];
        var names = Arrays.copyOfRange(args, 4, args.length);
        var times = new double[names.length][rounds];
        var java = System.getenv("VERSION_OF");
        var versions = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (java != null) {
                long t0 = System.nanoTime();
                new ProcessBuilder(java, "-version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start().waitFor();
                versions[r] = (System.nanoTime() - t0) / 1e6;
            }
            for (int i = 0; i < names.length; i++) {
                int n = (r + i) % names.length; // each function in each place of a round as often: a start right after another pays for it
                times[n][r] = coldCall(names[n], path);
            }
        }
        double first = median(times[0]);
        if (java != null) {
            System.out.printf("java -version %9.1f ms (median of %d)%n", median(versions), rounds);
        }
        for (int n = 0; n < names.length; n++) {
            System.out.printf("cold start %-12s %8.1f ms (median of %d)  %.2f x %s%s%n", names[n], median(times[n]), rounds,
                    median(times[n]) / first, names[0],
                    java == null ? "" : String.format("  %.2f x java -version", median(times[n]) / median(versions)));
        }
    }

    /**
     * {@code name} or {@code name@gateway-url} (a function of another gateway, for an A/B of two).
     * SETTLE_MS (default 500): how long a function stays at zero before the call, as an idle one
     * would (the gateway makes a sandbox ahead meanwhile, unless JFAAS_SANDBOX_PREMADE=0).
     */
    static double coldCall(String function, String path) throws Exception {
        var at = function.indexOf('@');
        var name = at < 0 ? function : function.substring(0, at);
        var own = gateway;
        if (at >= 0) {
            gateway = function.substring(at + 1);
        }
        try {
            return coldCallHere(name, path);
        } finally {
            gateway = own;
        }
    }

    private static double coldCallHere(String name, String path) throws Exception {
        waitReplicas(name, 1);
        system("POST", "/system/scale-function/" + name, "{\"replicas\":0}");
        waitReplicas(name, 0);
        Thread.sleep(Long.parseLong(System.getenv().getOrDefault("SETTLE_MS", "500")));
        long t0 = System.nanoTime();
        var response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/function/" + name + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(name + " answered " + response.statusCode() + ": " + response.body());
        }
        return ms;
    }

    static double median(double[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static String system(String method, String path, String body) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Authorization", auth)
                .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static void waitReplicas(String name, int available) throws Exception {
        for (int i = 0; i < 60_000; i++) {
            var m = java.util.regex.Pattern.compile("\"availableReplicas\":(\\d+)").matcher(system("GET", "/system/function/" + name, null));
            if ((m.find() ? Integer.parseInt(m.group(1)) : 0) == available) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException(name + " never reached " + available + " replicas");
    }
}
