package dev.jfaas.gateway;

import dev.jfaas.gateway.api.Replies;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what idle and slow clients can hold (each open connection costs the gateway heap): at
 * most {@code max} connections, a new connection must send its first request's headers within
 * {@code headerTimeout}, and a request's body must arrive within {@code bodyTimeout} (else 408).
 * When the gateway is full, the oldest connection that never sent a request makes room, so idle
 * connections cannot lock out a client that talks. One instance per event loop (its connections
 * only), sharing the count.
 */
final class ConnectionLimits {

    /** @param max connections open at once, over all event loops */
    record Settings(int max, Duration headerTimeout, Duration bodyTimeout) {}

    private final Vertx vertx;
    private final Settings settings;
    private final AtomicInteger open;
    /** Connections that have not sent a request yet, oldest first; this event loop's only. */
    private final LinkedHashSet<HttpConnection> silent = new LinkedHashSet<>();

    ConnectionLimits(Vertx vertx, Settings settings, AtomicInteger open) {
        this.vertx = vertx;
        this.settings = settings;
        this.open = open;
    }

    void connected(HttpConnection connection) {
        if (open.incrementAndGet() > settings.max()) {
            var oldest = silent.isEmpty() ? null : silent.iterator().next();
            if (oldest == null) {
                open.decrementAndGet();
                connection.close();
                return;
            }
            silent.remove(oldest);
            oldest.close();
        }
        silent.add(connection);
        long timer = vertx.setTimer(settings.headerTimeout().toMillis(), id -> {
            if (silent.remove(connection)) {
                connection.close(); // no request within the header timeout
            }
        });
        connection.closeHandler(v -> {
            open.decrementAndGet();
            silent.remove(connection);
            vertx.cancelTimer(timer);
        });
    }

    /** A request's headers have arrived: its connection talks, and its body gets a deadline. */
    void requestStarted(HttpServerRequest request) {
        if (!silent.isEmpty()) {
            silent.remove(request.connection());
        }
        var length = request.getHeader("Content-Length");
        boolean body = request.getHeader("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
        if (!body || request.isEnded()) {
            return;
        }
        long timer = vertx.setTimer(settings.bodyTimeout().toMillis(), id -> {
            if (request.isEnded()) {
                return;
            }
            var response = request.response();
            if (!response.headWritten() && !response.ended()) {
                response.putHeader("Connection", "close");
                Replies.error(request, 408, "request body not received within " + settings.bodyTimeout().toSeconds()
                        + " s (JFAAS_BODY_TIMEOUT)");
            }
            request.connection().close();
        });
        request.end().onComplete(done -> vertx.cancelTimer(timer));
    }
}
