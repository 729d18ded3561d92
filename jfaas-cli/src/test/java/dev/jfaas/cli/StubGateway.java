package dev.jfaas.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP server on a free loopback port standing in for a gateway: answers what a test tells it
 * to, by method and path, and remembers every request. Unknown routes are 404s, as the gateway's.
 */
final class StubGateway implements AutoCloseable {

    record Request(String method, String uri, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().getFirst()).orElse(null);
        }
    }

    record Answer(int status, String body, Map<String, String> headers) {}

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    StubGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var method = exchange.getRequestMethod();
            var uri = exchange.getRequestURI().toString();
            requests.add(new Request(method, uri, Map.copyOf(exchange.getRequestHeaders()), body));
            var answer = answers.getOrDefault(method + " " + uri, answers.getOrDefault(method + " " + exchange.getRequestURI().getPath(),
                    new Answer(404, "not found", Map.of())));
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            var bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    /** Answers {@code METHOD path} (with or without its query) so. */
    StubGateway on(String methodAndPath, int status, String body, String... headers) {
        var map = new java.util.HashMap<String, String>();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        answers.put(methodAndPath, new Answer(status, body, map));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Request last() {
        return requests.getLast();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
