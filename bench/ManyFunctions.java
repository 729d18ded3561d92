import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * 1,000 functions deployed at zero replicas (SPEC §11): the gateway's RSS added, and how long
 * GET /system/functions takes (median of 21, after a warm-up).
 * Usage: java ManyFunctions.java GATEWAY_URL PASSWORD GATEWAY_PID COUNT
 */
public class ManyFunctions {
    public static void main(String[] args) throws Exception {
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + args[1]).getBytes(StandardCharsets.UTF_8));
        long pid = Long.parseLong(args[2]);
        int count = Integer.parseInt(args[3]);
        long before = rssMb(pid);
        for (int i = 0; i < count; i++) {
            var body = "{\"service\":\"fn-" + i + "\",\"image\":\"jfaas/cat\",\"envProcess\":\"cat\","
                    + "\"labels\":{\"com.openfaas.scale.min\":\"0\",\"com.openfaas.scale.zero\":\"true\"}}";
            var response = http.send(HttpRequest.newBuilder(URI.create(args[0] + "/system/functions")).header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("deploy " + i + ": " + response.statusCode() + " " + response.body());
            }
        }
        var list = HttpRequest.newBuilder(URI.create(args[0] + "/system/functions")).header("Authorization", auth).GET().build();
        for (int i = 0; i < 20; i++) {
            http.send(list, HttpResponse.BodyHandlers.ofString());
        }
        var times = new double[21];
        int listed = 0;
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            var response = http.send(list, HttpResponse.BodyHandlers.ofString());
            times[i] = (System.nanoTime() - t0) / 1e6;
            listed = response.body().split("\"name\"").length - 1;
        }
        Arrays.sort(times);
        System.gc();
        Thread.sleep(2000);
        long after = rssMb(pid);
        System.out.printf("%d functions at zero: RSS %d MB -> %d MB (added %d MB, target <= 50); GET /system/functions "
                + "lists %d in %.1f ms (median of 21, target <= 50 ms)%n", count, before, after, after - before, listed, times[10]);
    }

    static long rssMb(long pid) throws Exception {
        for (var line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
