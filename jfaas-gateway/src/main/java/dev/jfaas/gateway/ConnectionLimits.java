package dev.jfaas.gateway;

import dev.jfaas.gateway.entry.AsyncInvokeApi;
import dev.jfaas.gateway.entry.InvokeApi;
import dev.jfaas.gateway.http.Replies;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what idle and slow clients can hold (each open connection costs the gateway heap): at
 * most {@code max} connections, a new connection must send its first request's headers within
 * {@code headerTimeout}, and a request's body must arrive within {@code bodyTimeout} (else 408) —
 * for a function call, from when the gateway starts to read it ({@link BodyClock}): a call may wait
 * in the gateway first, for a slot or a replica, and that wait is not the caller's.
 * When the gateway is full, the oldest connection that never sent a request makes room, so idle
 * connections cannot lock out a client that talks. One instance per event loop (its connections
 * only), sharing the count. Deadlines are checked by one sweep a second over the connections, not
 * by a timer per request: those cost the hot path more than all the rest of this class.
 */
final class ConnectionLimits {

    /** @param max connections open at once, over all event loops */
    record Settings(int max, Duration headerTimeout, Duration bodyTimeout) {}

    /** One connection: when it opened, whether it has talked, and the request whose body it is sending. */
    private static final class Connection {
        final long openedAt = System.nanoTime();
        boolean talked;
        HttpServerRequest receiving;
        /** When the body must have arrived; {@link #NOT_READ} until the gateway reads it. */
        long bodyDeadline;
    }

    private static final long NOT_READ = Long.MIN_VALUE;

    private final Vertx vertx;
    private final Context context;
    private final Settings settings;
    private final AtomicInteger open;
    /** This event loop's connections, oldest first. */
    private final LinkedHashMap<HttpConnection, Connection> connections = new LinkedHashMap<>();
    private long sweeper = -1;

    ConnectionLimits(Vertx vertx, Settings settings, AtomicInteger open) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.settings = settings;
        this.open = open;
    }

    void connected(HttpConnection connection) {
        if (open.incrementAndGet() > settings.max() && !evictSilent()) {
            open.decrementAndGet();
            connection.close();
            return;
        }
        connections.put(connection, new Connection());
        connection.closeHandler(v -> {
            open.decrementAndGet();
            connections.remove(connection);
        });
        if (sweeper < 0) {
            sweeper = vertx.setPeriodic(1000, id -> sweep());
        }
    }

    /** Closes the oldest connection that never sent a request, if there is one. */
    private boolean evictSilent() {
        for (var entry : connections.entrySet()) {
            if (!entry.getValue().talked) {
                var oldest = entry.getKey();
                connections.remove(oldest);
                oldest.close();
                return true;
            }
        }
        return false;
    }

    /** A request's headers have arrived: its connection talks, and its body gets a deadline. */
    void requestStarted(HttpServerRequest request) {
        var state = connections.get(request.connection());
        if (state == null) {
            return;
        }
        state.talked = true;
        var length = request.getHeader("Content-Length");
        boolean body = request.getHeader("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
        if (body && !request.isEnded()) {
            state.receiving = request;
            var path = request.path();
            boolean call = path.startsWith(InvokeApi.PREFIX) || path.startsWith(AsyncInvokeApi.PREFIX);
            state.bodyDeadline = call ? NOT_READ : System.nanoTime() + settings.bodyTimeout().toNanos();
        }
    }

    /** The gateway starts to read a function call's body: its time runs from now. */
    void bodyReading(HttpServerRequest request) {
        if (Vertx.currentContext() != context) {
            context.runOnContext(v -> bodyReading(request));
            return;
        }
        var state = connections.get(request.connection());
        if (state != null && state.receiving == request && state.bodyDeadline == NOT_READ) {
            state.bodyDeadline = System.nanoTime() + settings.bodyTimeout().toNanos();
        }
    }

    void close() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
    }

    /** Closes silent connections past the header timeout and cuts off bodies past theirs (408). */
    private void sweep() {
        long now = System.nanoTime();
        long headerTimeout = settings.headerTimeout().toNanos();
        for (var it = connections.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            var state = entry.getValue();
            if (!state.talked) {
                if (now - state.openedAt >= headerTimeout) {
                    it.remove();
                    entry.getKey().close();
                }
                continue;
            }
            var request = state.receiving;
            if (request == null) {
                continue;
            }
            if (request.isEnded() || request.response().closed()) {
                state.receiving = null;
            } else if (state.bodyDeadline == NOT_READ) {
                // Being read (a body given on as it is tells no clock: bytes reaching the gateway show
                // it), or answered without reading it (a 404, a 401): its time runs from now. One that
                // is read but sends nothing at all is the forwarding stage's (408 at exec_timeout).
                if (request.bytesRead() > 0 || request.response().ended()) {
                    state.bodyDeadline = now + settings.bodyTimeout().toNanos();
                }
            } else if (now - state.bodyDeadline >= 0) {
                state.receiving = null;
                var response = request.response();
                if (!response.headWritten() && !response.ended()) {
                    response.putHeader("Connection", "close");
                    Replies.error(request, 408, "request body not received within " + settings.bodyTimeout().toSeconds()
                            + " s (JFAAS_BODY_TIMEOUT)");
                }
                entry.getKey().close();
            }
        }
    }
}
