import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import java.util.Map;

/**
 * Cold start and fork overhead through a running jfaas (SPEC §11), each against its own baseline
 * measured here in the same run:
 *   1. an http-mode function scaled to 0, then called: call time minus the process's own
 *      start-to-ready time (the same command started here and polled every 0.2 ms);
 *   2. a serializing-mode function (cat) called in a loop: call time minus a bare fork of cat with
 *      the same body through stdin/stdout.
 * Usage: java ColdStart.java GATEWAY_URL PASSWORD FUNCTION_DIR BENCH_TMP
 */
public class ColdStart {
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static String gateway;
    static String auth;

    public static void main(String[] args) throws Exception {
        gateway = args[0];
        auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + args[1]).getBytes(StandardCharsets.UTF_8));
        var functionDir = args[2];
        var tmp = args[3];
        int rounds = 15;

        system("POST", "/system/functions", "{\"service\":\"cold\",\"image\":\"" + functionDir + "\",\"envProcess\":\"sh start-function.sh\","
                + "\"envVars\":{\"mode\":\"http\",\"BENCH_TMP\":\"" + tmp + "\"}}");
        system("POST", "/system/functions", "{\"service\":\"fork\",\"image\":\"jfaas/cat\",\"envProcess\":\"cat\"}");
        waitReplicas("cold", 1);
        waitReplicas("fork", 1);

        var process = new double[rounds];
        var call = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            process[i] = bareStartToReady(functionDir, tmp);
            system("POST", "/system/scale-function/cold", "{\"replicas\":0}");
            waitReplicas("cold", 0);
            long t0 = System.nanoTime();
            var response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/function/cold")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            call[i] = (System.nanoTime() - t0) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("cold call answered " + response.statusCode());
            }
        }
        double p = median(process), c = median(call);
        System.out.printf("cold start: process start-to-ready %.2f ms (median of %d), first call through jfaas %.2f ms: "
                + "added %.2f ms (target <= 10 ms)%n", p, rounds, c, c - p);

        var body = "x".repeat(100);
        int calls = 300;
        for (int i = 0; i < 50; i++) {
            fork(body);
            callFork(body);
        }
        var forks = new double[calls];
        var viaJfaas = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            fork(body);
            forks[i] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            callFork(body);
            viaJfaas[i] = (System.nanoTime() - t0) / 1e6;
        }
        double f = median(forks), j = median(viaJfaas);
        System.out.printf("serializing mode: bare fork of cat %.2f ms, call through jfaas %.2f ms (medians of %d): "
                + "added %.2f ms per call (target <= 2 ms)%n", f, j, calls, j - f);
    }

    static double median(double[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static void fork(String body) throws Exception {
        var p = new ProcessBuilder("cat").start();
        try (var in = p.getOutputStream()) {
            in.write(body.getBytes(StandardCharsets.UTF_8));
        }
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

    static void callFork(String body) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(gateway + "/function/fork"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (!response.body().equals(body)) {
            throw new IllegalStateException("fork call answered " + response.statusCode());
        }
    }

    /** Starts the function's command as jfaas would and polls its port every 0.2 ms. */
    static double bareStartToReady(String functionDir, String tmp) throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var builder = new ProcessBuilder("sh", "start-function.sh").directory(new java.io.File(functionDir));
        builder.environment().putAll(Map.of("PORT", Integer.toString(port), "BENCH_TMP", tmp));
        long t0 = System.nanoTime();
        var p = builder.start();
        try {
            while (true) {
                try (var socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
                    return (System.nanoTime() - t0) / 1e6;
                } catch (IOException notYet) {
                    Thread.sleep(0, 200_000);
                }
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
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
            var status = system("GET", "/system/function/" + name, null);
            var m = java.util.regex.Pattern.compile("\"availableReplicas\":(\\d+)").matcher(status);
            int now = m.find() ? Integer.parseInt(m.group(1)) : 0;
            if (now == available) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException(name + " never reached " + available + " replicas");
    }

}
