package dev.jfaas.fn;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link Handler} as an http-mode replica: an HTTP server on 127.0.0.1:$PORT (8080 when
 * PORT is not set, as in an image), a call per virtual thread, at most {@code max_inflight} at once
 * (429 past it), {@code /_/health} answering 200 once ready and 503 while draining, and on SIGTERM
 * a drain: no new calls, the ones in flight finish (up to {@code write_timeout}), then it exits.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Jfaas.serve((request, context) -> Response.ok("hello " + request.text()));
 * }
 * }</pre>
 */
public final class Jfaas {

    public static final String HEALTH = "/_/health";

    private final HttpServer server;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Semaphore slots;
    private final Context context;

    private Jfaas(HttpServer server, Handler handler, int maxInflight, Context context) {
        this.server = server;
        this.context = context;
        this.slots = maxInflight > 0 ? new Semaphore(maxInflight) : null;
        server.createContext("/", exchange -> {
            try (exchange) {
                if (exchange.getRequestURI().getPath().equals(HEALTH)) {
                    health(exchange);
                } else {
                    call(exchange, handler);
                }
            }
        });
    }

    /**
     * Serves until SIGTERM, then drains and returns; the JVM exits when main returns. With
     * {@code JFAAS_TRAIN=1} (what {@code jfaas build} sets) it starts, answers its own health
     * check once and returns: a run that loads the classes a replica needs, for the class data
     * sharing archive the build makes from it.
     */
    public static void serve(Handler handler) {
        var env = Context.processEnvironment();
        if ("1".equals(env.get("JFAAS_TRAIN"))) {
            train(handler);
            return;
        }
        int port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        var host = env.getOrDefault("JFAAS_BIND", "127.0.0.1");
        var running = start(handler, host, port, count(env.get("max_inflight")), Context.fromEnvironment());
        var drainFor = seconds(env.getOrDefault("write_timeout", "10s"));
        var done = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.drain(drainFor);
            done.countDown();
        }, "drain"));
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void train(Handler handler) {
        var running = start(handler, "127.0.0.1", 0, 0, Context.fromEnvironment());
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + running.port() + HEALTH)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // training is best effort: a missing archive only costs start-up time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.drain(Duration.ZERO);
        }
    }

    /** Starts serving (for tests and embedding): {@code port} 0 picks a free port. */
    public static Jfaas start(Handler handler, String host, int port, int maxInflight, Context context) {
        try {
            var server = HttpServer.create(new InetSocketAddress(host, port), 1024);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            var jfaas = new Jfaas(server, handler, maxInflight, context);
            server.start();
            return jfaas;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Refuses new calls (health says 503), waits for those in flight, then stops. */
    public void drain(Duration atMost) {
        draining.set(true);
        long until = System.nanoTime() + atMost.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
    }

    private void health(HttpExchange exchange) throws IOException {
        int status = draining.get() ? 503 : 200;
        send(exchange, status, "text/plain", (status == 200 ? "OK" : "draining").getBytes(StandardCharsets.UTF_8));
    }

    private void call(HttpExchange exchange, Handler handler) throws IOException {
        if (draining.get()) {
            send(exchange, 503, "text/plain", "draining".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (slots != null && !slots.tryAcquire()) {
            exchange.getResponseHeaders().add("Retry-After", "1");
            send(exchange, 429, "text/plain", "too many calls in flight (max_inflight)".getBytes(StandardCharsets.UTF_8));
            return;
        }
        inFlight.incrementAndGet();
        try {
            var body = exchange.getRequestBody().readAllBytes();
            var uri = exchange.getRequestURI();
            var request = new Request(exchange.getRequestMethod(), uri.getRawPath() == null ? "/" : uri.getPath(),
                    Request.parseQuery(uri.getRawQuery()), Headers.of(exchange.getRequestHeaders()), body);
            Response response;
            try {
                response = handler.handle(request, context);
                if (response == null) {
                    response = Response.empty(204);
                }
            } catch (Exception | LinkageError e) {
                var trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                context.log("call " + request.callId() + " failed: " + trace);
                send(exchange, 500, "text/plain", "internal error".getBytes(StandardCharsets.UTF_8));
                return;
            }
            response.headers().forEach((name, values) -> values.forEach(v -> exchange.getResponseHeaders().add(name, v)));
            boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
            var bytes = response.body();
            if (head || response.status() == 204 || response.status() == 304) {
                exchange.sendResponseHeaders(response.status(), -1);
            } else {
                exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        } finally {
            inFlight.decrementAndGet();
            if (slots != null) {
                slots.release();
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            exchange.getResponseBody().write(body);
        }
    }

    private static int count(String text) {
        try {
            return text == null || text.isBlank() ? 0 : Math.max(0, Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** "10s", "1m30s" or plain seconds, as the watchdog writes durations. */
    static Duration seconds(String text) {
        var t = text.strip();
        try {
            if (t.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(t));
            }
            return Duration.parse("PT" + t.toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            return Duration.ofSeconds(10);
        }
    }
}
