import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.headers.HeadersAdaptor;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayDeque;

/**
 * Vert.x's HTTP server in front of a raw Netty client (idle upstream connections per event loop,
 * on that loop): which half of Vert.x's cost over raw Netty is its client. Not part of jfaas.
 * Usage: java -cp jfaas.jar MinimalHybridProxy.java PORT UPSTREAM_PORT [headers]
 * With "headers" it adds what jfaas adds to every call as OpenFaaS does (X-Forwarded-Host,
 * X-Forwarded-For, X-Call-Id, X-Start-Time on the way in; X-Call-Id, X-Start-Time,
 * X-Duration-Seconds on the way out): what those bytes cost the proxy, the function and the caller.
 */
public class MinimalHybridProxy extends VerticleBase {
    static int port;
    static int upstream;
    static boolean openFaasHeaders;

    public static void main(String[] args) {
        port = Integer.parseInt(args[0]);
        upstream = Integer.parseInt(args[1]);
        openFaasHeaders = args.length > 2 && args[2].equals("headers");
        var vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true));
        vertx.deployVerticle(MinimalHybridProxy::new, new DeploymentOptions().setInstances(2));
    }

    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private Bootstrap bootstrap;

    @Override
    public Future<?> start() {
        bootstrap = new Bootstrap().group(((ContextInternal) context).nettyEventLoop()).channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new Backend());
                    }
                });
        return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req -> {
            req.pause();
            Channel up = idle.pollFirst();
            while (up != null && !up.isActive()) {
                up = idle.pollFirst();
            }
            if (up != null) {
                forward(req, up);
            } else {
                var connecting = bootstrap.connect("127.0.0.1", upstream);
                connecting.addListener(f -> {
                    if (f.isSuccess()) {
                        forward(req, connecting.channel());
                    } else {
                        req.response().setStatusCode(502).end();
                    }
                });
            }
        }).listen(port, "127.0.0.1");
    }

    private void forward(HttpServerRequest req, Channel up) {
        ((Backend) up.pipeline().last()).request = req;
        var headers = (HttpHeaders) req.headers();
        if (openFaasHeaders) {
            var random = java.util.concurrent.ThreadLocalRandom.current();
            var callId = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
            var start = Long.toString(System.currentTimeMillis() * 1_000_000L);
            headers.set("X-Forwarded-Host", req.headers().get("Host"));
            headers.set("X-Forwarded-For", req.remoteAddress().hostAddress());
            headers.set("X-Call-Id", callId);
            headers.set("X-Start-Time", start);
            var response = req.response().headers();
            response.set("X-Call-Id", callId);
            response.set("X-Start-Time", start);
            response.set("X-Duration-Seconds", "0.000123");
        }
        up.write(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(req.method().name()), req.uri(), headers));
        req.handler(buf -> up.write(new DefaultHttpContent(((BufferInternal) buf).getByteBuf().retain())));
        req.endHandler(v -> up.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
        req.resume();
    }

    /** One upstream connection: relays the response to the request it serves, then goes idle. */
    final class Backend extends ChannelInboundHandlerAdapter {
        HttpServerRequest request;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            var response = request.response();
            if (msg instanceof HttpResponse head) {
                response.setStatusCode(head.status().code());
                response.headers().setAll(new HeadersAdaptor(head.headers()));
            }
            if (msg instanceof HttpContent content) {
                if (content.content().isReadable()) {
                    response.write(BufferInternal.buffer(content.content()));
                } else {
                    content.release();
                }
                if (msg instanceof LastHttpContent) {
                    request = null;
                    idle.addLast(ctx.channel());
                    response.end();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(ctx.channel());
            if (request != null) {
                request.response().reset();
            }
        }
    }
}
