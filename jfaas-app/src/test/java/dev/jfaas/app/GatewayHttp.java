package dev.jfaas.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Calls to gateways running in their own processes, and what the recording test function saw. */
final class GatewayHttp {

    private GatewayHttp() {}

    /** A function that appends each call's id to calls.log in its directory: which calls ran, how often. */
    /** Appends the call's id to calls.log; gateways give their functions uids of their own, so the log is everyone's. */
    static final String RECORDER = "umask 0\necho \"$Http_X_Call_Id\" >> calls.log\necho done\n";

    static List<String> ranCalls(Path fnDir) throws IOException {
        var log = fnDir.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    static long countWith(HttpClient http, int port, String status) throws Exception {
        var response = send(http, port, "GET", "/system/calls?status=" + status + "&limit=10000", null, true);
        return TestGateway.parse(response.body()).size();
    }

    static HttpResponse<String> send(HttpClient http, int port, String method, String path, String body, boolean auth)
            throws IOException {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth) {
            builder.header("Authorization", TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD));
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
