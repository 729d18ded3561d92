package dev.jfaas.gateway.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.netty.util.AttributeKey;
import io.vertx.core.VertxException;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.transport.Transport;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's upstream connections, by address: at most {@code maxConnectionsPerAddress}
 * open (further calls wait for one), the idle ones most recently used first (so a surplus left by
 * a burst idles out), and the bootstraps that open new ones on this loop. Touched only on its loop.
 */
final class LoopPool {

    static final AttributeKey<SocketAddress> ADDRESS = AttributeKey.valueOf(LoopPool.class, "address");

    private final Transport transport;
    private final UpstreamClient.Options options;
    private final ChannelGroup open;
    private final Map<SocketAddress, Slot> slots = new HashMap<>();
    private final Bootstrap inet;
    private final Bootstrap domain;

    private final long idleNanos;
    private final ScheduledFuture<?> sweeper;
    private final ExchangeTimeouts deadlines;

    /** Runs {@code action} on {@code loop}: at once when called there, else as one of its next tasks. */
    static void onLoop(EventLoop loop, Runnable action) {
        if (loop.inEventLoop()) {
            action.run();
        } else {
            loop.execute(action);
        }
    }

    LoopPool(Transport transport, EventLoop loop, UpstreamClient.Options options, ChannelGroup open) {
        this.transport = transport;
        this.options = options;
        this.open = open;
        this.inet = bootstrap(loop, false).option(ChannelOption.TCP_NODELAY, true);
        this.domain = transport.supportsDomainSockets() ? bootstrap(loop, true) : null;
        this.idleNanos = options.idleTimeout().toNanos();
        this.deadlines = new ExchangeTimeouts(loop);
        // One sweep now and then rather than an idle timer per connection touched on every read and write.
        long every = Math.max(1, options.idleTimeout().toMillis() / 4);
        this.sweeper = loop.scheduleAtFixedRate(this::closeIdle, every, every, TimeUnit.MILLISECONDS);
    }

    /** Closes connections idle past the timeout, before the replica's own keep-alive timeout closes them under a call. */
    private void closeIdle() {
        long now = System.nanoTime();
        var expired = new java.util.ArrayList<Channel>();
        for (var slot : slots.values()) {
            Channel oldest;
            while ((oldest = slot.idle.peekLast()) != null && now - connection(oldest).idleSince() > idleNanos) {
                expired.add(slot.idle.pollLast());
            }
        }
        expired.forEach(Channel::close); // after the walk: a close may drop its address's slot
    }

    void close() {
        sweeper.cancel(false);
    }

    int pendingDeadlines() {
        return deadlines.pending();
    }

    /**
     * A response's headers are decoded straight into Vert.x's header map, which is also Netty's:
     * the stages and the edge read and copy them with no adaptor and no String per name.
     */
    private static final HttpHeadersFactory VERTX_HEADERS = new HttpHeadersFactory() {
        @Override
        public HttpHeaders newHeaders() {
            return HeadersMultiMap.httpHeaders();
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return HeadersMultiMap.httpHeaders();
        }
    };

    private Bootstrap bootstrap(EventLoop loop, boolean domainSocket) {
        var decoder = new HttpDecoderConfig().setMaxInitialLineLength(options.maxInitialLineLength())
                .setMaxHeaderSize(options.maxHeaderSize()).setMaxChunkSize(8192)
                .setHeadersFactory(VERTX_HEADERS).setTrailersFactory(VERTX_HEADERS);
        return new Bootstrap().group(loop).channelFactory(transport.channelFactory(domainSocket))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(
                                new HttpClientCodec(decoder, false, false),
                                new UpstreamConnection(LoopPool.this));
                    }
                });
    }

    void start(UpstreamExchange exchange) {
        if (exchange.isOver()) {
            return;
        }
        exchange.deadlineFrom(deadlines);
        var address = exchange.request().address();
        var slot = slots.computeIfAbsent(address, a -> new Slot());
        Channel channel;
        while ((channel = slot.idle.pollFirst()) != null) {
            if (channel.isActive() && System.nanoTime() - connection(channel).idleSince() <= idleNanos) {
                connection(channel).begin(exchange);
                return;
            }
        }
        if (slot.open >= options.maxConnectionsPerAddress()) {
            slot.waiting.addLast(exchange); // served by the next connection released or closed
            return;
        }
        connect(slot, exchange);
    }

    private void connect(Slot slot, UpstreamExchange exchange) {
        var address = exchange.request().address();
        var bootstrap = address.isDomainSocket() ? domain : inet;
        if (bootstrap == null) {
            exchange.failed(new VertxException("this transport has no Unix sockets", true));
            return;
        }
        slot.open++;
        var connecting = bootstrap.connect(transport.convert(address));
        // Set before any of the channel's events can run (this is its loop): it is counted by address.
        connecting.channel().attr(ADDRESS).set(address);
        open.add(connecting.channel());
        exchange.connecting(connecting.channel());
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                connection(connecting.channel()).begin(exchange);
            } else {
                slot.open--;
                exchange.failed(done.cause());
                serveWaiting(slot);
            }
        });
    }

    /** A connection whose exchange ended cleanly: the next waiting call's, else kept idle. */
    void release(Channel channel) {
        var slot = slots.get(channel.attr(ADDRESS).get());
        var next = slot.nextWaiting();
        if (next != null) {
            connection(channel).begin(next);
        } else {
            connection(channel).idle();
            slot.idle.addFirst(channel);
        }
    }

    /** A connection that was open has closed. */
    void closed(Channel channel) {
        var address = channel.attr(ADDRESS).get();
        var slot = address == null ? null : slots.get(address);
        if (slot == null) {
            return;
        }
        slot.open--;
        slot.idle.remove(channel);
        serveWaiting(slot);
        if (slot.open == 0 && slot.waiting.isEmpty()) {
            slots.remove(address);
        }
    }

    private void serveWaiting(Slot slot) {
        var next = slot.nextWaiting();
        if (next != null) {
            connect(slot, next);
        }
    }

    /** One address's connections on this loop: how many are open, the idle ones, the calls waiting for one. */
    private static final class Slot {
        final ArrayDeque<Channel> idle = new ArrayDeque<>();
        final ArrayDeque<UpstreamExchange> waiting = new ArrayDeque<>();
        int open;

        UpstreamExchange nextWaiting() {
            UpstreamExchange next;
            while ((next = waiting.pollFirst()) != null && next.isOver()) {
                // reset while it waited
            }
            return next;
        }
    }

    private static UpstreamConnection connection(Channel channel) {
        return channel.pipeline().get(UpstreamConnection.class);
    }
}
