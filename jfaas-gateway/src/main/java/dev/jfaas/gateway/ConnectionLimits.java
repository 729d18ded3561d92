package dev.jfaas.gateway;

import dev.jfaas.gateway.http.Replies;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.LinkedHashMap;

/**
 * Bounds what idle and slow clients can hold (each open connection costs the gateway heap): at
 * most {@code max} connections, a new connection must send its first request's headers within
 * {@code headerTimeout}, and a request's body must arrive within {@code bodyTimeout} of its headers
 * (else 408). Every body is read as it comes (a function call's before it waits for a slot or a
 * replica: {@code Receive}), so the time is the caller's alone.
 * When the gateway is full, the oldest connection that never sent a request makes room, so idle
 * connections cannot lock out a client that talks; when none is silent, the gateway stops
 * accepting until one closes ({@link OpenConnections}), and callers wait to be answered. One instance per event loop (its connections
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
        /** Chosen to make room: closed unless it talks once its loop has read what waits for it. */
        boolean doomed;
        HttpServerRequest receiving;
        /** When the body must have arrived. */
        long bodyDeadline;

        /** Silent though it has had the time to talk: a new caller in a burst waits for its loop to read it. */
        boolean silent(long now) {
            return !talked && !doomed && now - openedAt >= SILENT_GRACE;
        }
    }

    /**
     * How long a new connection is given to be read before it counts as silent. In a burst the event
     * loops reach thousands of new connections' requests late, so a short grace closes callers
     * unread (25 ms: 7,106 of 10,000; 250 ms: 767–1,571; bench/overload.sh); under attack, a long one
     * keeps attackers that reconnect at once too young to make room, and callers wait behind them
     * (1 s: the normal client's p50 went to seconds; 250 ms with room made every 100 ms while callers
     * wait: p99 1.6 s against 1.2 s before; bench/hostile.sh). Kept-alive connections between
     * requests are never closed to make room: a working client's pool would pay for the attackers.
     */
    private static final long SILENT_GRACE = Duration.ofMillis(250).toNanos();
    private static final int ROOM_PER_TICK = 16;

    private final Vertx vertx;
    private final Settings settings;
    private final OpenConnections open;
    /** This event loop's connections, oldest first. */
    private final LinkedHashMap<HttpConnection, Connection> connections = new LinkedHashMap<>();
    private long sweeper = -1;
    private long roomMaker = -1;

    ConnectionLimits(Vertx vertx, Settings settings, OpenConnections open) {
        this.vertx = vertx;
        this.settings = settings;
        this.open = open;
    }

    void connected(HttpConnection connection) {
        boolean countedHere = open.opened(connection);
        int count = open.count();
        if (count >= open.max() && !makeRoom(count > open.max())) {
            // every connection is working: no more until one closes (this one stays, as may a few
            // the accept loop took with it)
            open.full(connection);
        }
        connections.put(connection, new Connection());
        connection.closeHandler(v -> {
            if (countedHere) {
                open.closed();
            }
            connections.remove(connection);
        });
        if (sweeper < 0) {
            sweeper = vertx.setPeriodic(1000, id -> sweep());
            // while callers wait to be accepted, what falls silent makes room at once, not once a second
            roomMaker = vertx.setPeriodic(100, id -> {
                if (!open.accepting()) {
                    makeRoomForWaiting();
                }
            });
        }
    }

    private void makeRoomForWaiting() {
        int made = 0;
        while (made < ROOM_PER_TICK && makeRoom(true)) {
            made++;
        }
    }

    /** Whether a silent connection can make room: the oldest. Closes it if {@code close} ({@link #doom}). */
    private boolean makeRoom(boolean close) {
        long now = System.nanoTime();
        for (var entry : connections.entrySet()) {
            if (entry.getValue().silent(now)) {
                if (close) {
                    doom(entry.getKey(), entry.getValue());
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Closes a silent connection, unless it turns out to be a caller its loop had not read yet: in
     * a burst a loop reaches thousands of new connections' requests late, and "silent" ones were
     * often callers whose request sat unread in the socket. It is closed only if still silent after
     * a whole pass of its loop over the sockets with something to read: a timer set from a timer's
     * task runs no sooner than the next pass's tasks, which follow that pass's reads.
     * bench/overload.sh, 10,000 at once, 3 interleaved rounds: closed unanswered, median 2,560 → 1,514
     * (forking) and 3,338 → 525 (http), fewer in 5 of 6 pairs.
     */
    private void doom(HttpConnection connection, Connection state) {
        state.doomed = true;
        vertx.setTimer(1, first -> vertx.setTimer(1, second -> {
            if (!state.talked && connections.get(connection) == state) {
                connections.remove(connection);
                open.closedBy(OpenConnections.Closure.MAKE_ROOM, connection);
                connection.close();
            } else {
                state.doomed = false;
            }
        }));
    }

    /** A request's headers have arrived: its connection talks, and its body gets a deadline. */
    void requestStarted(HttpServerRequest request) {
        var state = connections.get(request.connection());
        if (state == null) {
            return;
        }
        state.talked = true;
        var length = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        boolean body = request.getHeader(HttpHeaderNames.TRANSFER_ENCODING) != null || (length != null && !length.strip().equals("0"));
        if (body && !request.isEnded()) {
            state.receiving = request;
            state.bodyDeadline = System.nanoTime() + settings.bodyTimeout().toNanos();
        }
    }

    void close() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
            vertx.cancelTimer(roomMaker);
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
                    open.closedBy(OpenConnections.Closure.HEADER_TIMEOUT, entry.getKey());
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
            } else if (now - state.bodyDeadline >= 0) {
                state.receiving = null;
                var response = request.response();
                if (!response.headWritten() && !response.ended()) {
                    response.putHeader("Connection", "close");
                    Replies.error(request, 408, "request body not received within " + settings.bodyTimeout().toSeconds()
                            + " s (JFAAS_BODY_TIMEOUT)");
                }
                open.closedBy(OpenConnections.Closure.BODY_TIMEOUT, entry.getKey());
                entry.getKey().close();
            }
        }
    }
}
