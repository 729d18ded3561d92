package dev.jfaas.gateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** One upstream connection: hands what it reads to the exchange it serves, at most one at a time. */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    private final LoopPool pool;
    private Channel channel;
    private UpstreamExchange exchange;
    private long idleSince;

    UpstreamConnection(LoopPool pool) {
        this.pool = pool;
    }

    Channel channel() {
        return channel;
    }

    void idle() {
        idleSince = System.nanoTime();
    }

    long idleSince() {
        return idleSince;
    }

    void begin(UpstreamExchange next) {
        exchange = next;
        next.attach(this);
    }

    /** The exchange is over: keep the connection for another if it can carry one, else close it. */
    void done(boolean reusable) {
        exchange = null;
        if (reusable && channel.isActive()) {
            channel.config().setAutoRead(true);
            pool.release(channel);
        } else {
            channel.close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        var current = exchange;
        if (current == null) {
            // Nothing asked: an idle connection's server is talking out of turn.
            ReferenceCountUtil.release(message);
            ctx.close();
            return;
        }
        current.received(message);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        var current = exchange;
        if (current != null && ctx.channel().isWritable()) {
            current.writable();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        var current = exchange;
        exchange = null;
        if (current != null) {
            current.failed(cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.closed(ctx.channel());
        var current = exchange;
        exchange = null;
        if (current != null) {
            current.failed(null);
        }
    }
}
