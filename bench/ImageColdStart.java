import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Cold start of an http replica from an OCI image (unpacked once, before the rounds) against the
 * same command on the host's root, interleaved in one run: each round scales both to 0 and times
 * the first call. Usage: java ImageColdStart.java GATEWAY_URL PASSWORD HOST_DIR IMAGE_NAME ROUNDS
 */
public class ImageColdStart {
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static String gateway;
    static String auth;

    public static void main(String[] args) throws Exception {
        gateway = args[0];
        auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + args[1]).getBytes(StandardCharsets.UTF_8));
        int rounds = Integer.parseInt(args[4]);
        system("POST", "/system/functions", "{\"service\":\"on-host\",\"image\":\"" + args[2] + "\",\"envProcess\":\"sh start.sh\","
                + "\"envVars\":{\"mode\":\"http\"}}");
        system("POST", "/system/functions", "{\"service\":\"from-image\",\"image\":\"" + args[3] + "\",\"envProcess\":\"sh start.sh\","
                + "\"envVars\":{\"mode\":\"http\"}}");
        var host = new double[rounds];
        var image = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            host[i] = coldCall("on-host");
            image[i] = coldCall("from-image");
        }
        System.out.printf("cold start, first call after scale to 0 (medians of %d): host root %.1f ms, image root %.1f ms, "
                + "image / host %.2f%n", rounds, median(host), median(image), median(image) / median(host));
    }

    static double coldCall(String name) throws Exception {
        waitReplicas(name, 1);
        system("POST", "/system/scale-function/" + name, "{\"replicas\":0}");
        waitReplicas(name, 0);
        long t0 = System.nanoTime();
        var response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/function/" + name + "/index.html")).GET().build(),
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
        for (int i = 0; i < 20_000; i++) {
            var m = java.util.regex.Pattern.compile("\"availableReplicas\":(\\d+)").matcher(system("GET", "/system/function/" + name, null));
            if ((m.find() ? Integer.parseInt(m.group(1)) : 0) == available) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException(name + " never reached " + available + " replicas");
    }
}
