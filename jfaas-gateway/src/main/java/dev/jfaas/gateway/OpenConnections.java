package dev.jfaas.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections open over all event loops, and whether the listening socket takes more. When
 * the gateway is full of connections that are working, it stops accepting, as HAProxy's maxconn
 * does: callers past the limit wait in the kernel's accept queue and are answered when a
 * connection closes, instead of being cut off with nothing said. (Closing them was the answer
 * before; an answer of its own, a 503, would cost each the heap a connection costs, the budget the
 * limit keeps.)
 *
 * <p>Connections are counted as the listening socket accepts them, on its own thread, by a handler
 * put in front of Vert.x's: the event loops see a new connection only after the accept loop has
 * handed it on, and a flood had taken thousands past the limit before a loop could stop it.
 * Vert.x does not expose its listening socket; its connection class (pinned with Vert.x) is where
 * the Netty channel is.
 */
final class OpenConnections {

    /**
     * Why the gateway closed a connection before it was answered: counted, so that an operator (or
     * a test) can tell a slow client cut off from a connection lost some other way.
     */
    enum Closure {
        /** No request's headers within JFAAS_HEADER_TIMEOUT. */
        HEADER_TIMEOUT,
        /** Silent while the gateway was full: closed to make room for callers waiting to be accepted. */
        MAKE_ROOM,
        /** A body that did not arrive within JFAAS_BODY_TIMEOUT of its headers (408). */
        BODY_TIMEOUT;

        /** The metric's label value. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(OpenConnections.class);
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("jfaas.connection.counted");

    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder[] closures = java.util.stream.Stream.generate(LongAdder::new).limit(Closure.values().length)
            .toArray(LongAdder[]::new);
    private final int max;
    /**
     * Past the limit by half, accepting stops whatever the loops could close: they close silent
     * connections as new ones come, which keeps a gateway full of idle attackers open to a caller
     * that talks, but a flood can outrun them.
     */
    private final int hardLimit;
    /** The listening socket while it is not accepting, else null. */
    private volatile Channel paused;
    private volatile boolean gated;
    private long pauses;

    OpenConnections(int max) {
        this.max = max;
        this.hardLimit = max + Math.max(32, max / 2);
    }

    int max() {
        return max;
    }

    int count() {
        return open.get();
    }

    /**
     * A connection reached its event loop: counted here unless the accept gate counted it (which
     * the first connection puts in place). True if counted here, so its close is {@link #closed}.
     */
    boolean opened(HttpConnection connection) {
        var channel = channel(connection);
        if (channel != null && channel.hasAttr(COUNTED)) {
            return false;
        }
        if (channel != null && channel.parent() != null && !gated) {
            gate(channel.parent());
        }
        open.incrementAndGet();
        return true;
    }

    private synchronized void gate(Channel listener) {
        if (gated) {
            return;
        }
        gated = true;
        listener.pipeline().addFirst("jfaas-accept-gate", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                if (message instanceof Channel accepted) {
                    accepted.attr(COUNTED).set(Boolean.TRUE);
                    accepted.closeFuture().addListener(closed -> closed());
                    if (open.incrementAndGet() >= hardLimit) {
                        full(listener);
                    }
                }
                ctx.fireChannelRead(message);
            }
        });
    }

    void closed() {
        if (open.decrementAndGet() < max && paused != null) {
            resume();
        }
    }

    /** The gateway is full and no connection can make room: the socket that accepted {@code connection} takes no more until one closes. */
    void full(HttpConnection connection) {
        var channel = channel(connection);
        if (channel != null && channel.parent() != null) {
            full(channel.parent());
        }
    }

    /** A connection's Netty channel: Vert.x keeps it in its connection class (pinned with Vert.x). */
    private static Channel channel(HttpConnection connection) {
        return connection instanceof ConnectionBase base ? base.channel() : null;
    }

    private synchronized void full(Channel listener) {
        if (paused == null) {
            paused = listener;
            listener.config().setAutoRead(false);
            if (pauses++ % 1000 == 0) {
                log.warn("{} connections open (JFAAS_MAX_CONNECTIONS): new ones wait to be accepted; pauses so far: {}",
                        open.get(), pauses);
            }
        }
        if (open.get() < max) { // one closed while this paused
            resume();
        }
    }

    private synchronized void resume() {
        var listener = paused;
        if (listener != null) {
            paused = null;
            listener.config().setAutoRead(true);
        }
    }

    /** The gateway closed a connection for {@code why}. */
    void closedBy(Closure why, HttpConnection connection) {
        closures[why.ordinal()].increment();
        log.debug("closed the connection from {}: {}", connection.remoteAddress(), why.label());
    }

    /** How many connections the gateway has closed for {@code why} since it started. */
    long closures(Closure why) {
        return closures[why.ordinal()].sum();
    }

    boolean accepting() {
        return paused == null;
    }
}
