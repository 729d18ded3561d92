package dev.jfaas.gateway.upstream;

import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP/1.1 to replicas on raw Netty, below Vert.x's HTTP client: keep-alive connections pooled
 * per event loop and address, and each call written and answered on the event loop it was made
 * on, so the hot path never hands a call between threads. Measured in bench/README: a proxy with
 * Vert.x's server and this kind of client serves ~1.2× the calls of one with Vert.x's client,
 * whose pool, request objects and pipes were most of Vert.x's cost over raw Netty.
 * Thread-safe; the connections a loop holds are touched only on that loop.
 */
public final class UpstreamClient {

    /** Bounds and timeouts of upstream connections. */
    public record Options(int maxInitialLineLength, int maxHeaderSize, Duration connectTimeout, Duration idleTimeout,
            int maxConnectionsPerAddress) {

        /**
         * Connections per replica address and event loop: 512, as many as Vert.x's pool held before.
         * Connecting may take 10 s: a replica whose listen backlog a burst fills drops the SYNs, which
         * the kernel sends again after 1 s and 3 s; at 2 s, a cold start's burst of first calls failed
         * with 502s. The call's exec_timeout bounds the wait in any case.
         */
        public static Options defaults() {
            return new Options(16 * 1024, 64 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(30), 512);
        }
    }

    private final VertxInternal vertx;
    private final Options options;
    private final ConcurrentHashMap<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();
    private final ChannelGroup open = new DefaultChannelGroup("upstream", GlobalEventExecutor.INSTANCE);

    public UpstreamClient(Vertx vertx, Options options) {
        this.vertx = (VertxInternal) vertx;
        this.options = options;
    }

    /**
     * Starts a call on the caller's context (an event loop's, for the gateway's stages): takes an
     * idle connection to the request's address or opens one, and writes the request.
     */
    public UpstreamExchange exchange(UpstreamRequest request) {
        return exchange(request, Duration.ZERO);
    }

    /**
     * As {@link #exchange(UpstreamRequest)}, reset ({@link UpstreamExchange#timedOut()}) unless the
     * whole answer is in within {@code timeout} (zero: no limit).
     */
    public UpstreamExchange exchange(UpstreamRequest request, Duration timeout) {
        return exchange(request, timeout, null);
    }

    /**
     * As {@link #exchange(UpstreamRequest, Duration)}, running {@code whenOver} on the exchange's
     * loop once it is over, either way: for a caller that only needs to know that, a callback
     * instead of a listener on {@link UpstreamExchange#end()}.
     */
    public UpstreamExchange exchange(UpstreamRequest request, Duration timeout, Runnable whenOver) {
        ContextInternal context = vertx.getOrCreateContext();
        var loop = context.nettyEventLoop();
        var pool = pools.computeIfAbsent(loop, l -> new LoopPool(vertx.transport(), l, options, open));
        var exchange = new UpstreamExchange(context, request, nanos(timeout), whenOver);
        if (loop.inEventLoop()) {
            pool.start(exchange);
        } else {
            loop.execute(() -> pool.start(exchange));
        }
        return exchange;
    }

    /**
     * A timeout in nanoseconds, at most ten years: exec_timeout is read as whole seconds, and one of
     * 10^10 s would overflow a long of nanoseconds (and a deadline past 2^62 ns would wrap).
     */
    static long nanos(Duration timeout) {
        return timeout.compareTo(LONGEST) > 0 ? LONGEST.toNanos() : Math.max(0, timeout.toNanos());
    }

    private static final Duration LONGEST = Duration.ofDays(3650);

    /** Loop-side view for tests: the deadlines the calling loop's pool waits for. */
    int pendingDeadlines() {
        var pool = pools.get(vertx.getOrCreateContext().nettyEventLoop());
        return pool == null ? 0 : pool.pendingDeadlines();
    }

    /** Closes every connection, idle or busy; calls in flight fail. */
    public Future<Void> close() {
        pools.forEach((loop, pool) -> loop.execute(pool::close));
        var promise = vertx.<Void>promise();
        open.close().addListener(done -> promise.complete());
        return promise.future();
    }
}
