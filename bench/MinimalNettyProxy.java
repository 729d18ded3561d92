import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest reverse proxy on raw Netty (the codecs Vert.x itself uses, none of its request
 * objects, futures or connection pool): what a gateway below Vert.x's HTTP layer could reach on
 * this machine. Idle upstream connections are kept per event loop, like nginx's keep-alive
 * upstreams per worker, so a call never leaves the loop its client is on. Not part of jfaas.
 * Usage: java -cp jfaas.jar MinimalNettyProxy.java PORT UPSTREAM_PORT
 */
public class MinimalNettyProxy {
    static int upstream;
    static final FastThreadLocal<ArrayDeque<Channel>> IDLE = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<Channel> initialValue() {
            return new ArrayDeque<>();
        }
    };

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        upstream = Integer.parseInt(args[1]);
        var group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Frontend());
                    }
                })
                .bind("127.0.0.1", port).sync().channel().closeFuture().sync();
    }

    /** One client connection: one request at a time goes to an upstream connection of this loop. */
    static final class Frontend extends ChannelInboundHandlerAdapter {
        private Channel up;
        private final List<Object> pending = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                ctx.channel().config().setAutoRead(false);
                up = IDLE.get().pollFirst();
                while (up != null && !up.isActive()) {
                    up = IDLE.get().pollFirst();
                }
                if (up == null) {
                    connect(ctx);
                } else {
                    ((Backend) up.pipeline().last()).client = ctx.channel();
                }
            }
            if (up != null && up.isActive()) {
                up.write(msg);
            } else {
                pending.add(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (up != null && up.isActive()) {
                up.flush();
            }
        }

        private void connect(ChannelHandlerContext ctx) {
            var backend = new Backend(ctx.channel());
            var future = new Bootstrap().group(ctx.channel().eventLoop()).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), backend);
                        }
                    }).connect("127.0.0.1", upstream);
            up = future.channel();
            future.addListener(f -> {
                if (!f.isSuccess()) {
                    pending.forEach(ReferenceCountUtil::release);
                    pending.clear();
                    ctx.close();
                    return;
                }
                pending.forEach(up::write);
                pending.clear();
                up.flush();
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pending.forEach(ReferenceCountUtil::release);
            pending.clear();
        }
    }

    /** One upstream connection: relays the response to the client it serves, then goes idle. */
    static final class Backend extends ChannelInboundHandlerAdapter {
        Channel client;

        Backend(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            var c = client;
            c.write(msg);
            if (msg instanceof LastHttpContent) {
                c.flush();
                client = null;
                IDLE.get().addLast(ctx.channel());
                c.config().setAutoRead(true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IDLE.get().remove(ctx.channel());
            if (client != null) {
                client.close();
            }
        }
    }
}
