import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The smallest useful Vert.x reverse proxy, as a ceiling for what jfaas's hot path could reach on
 * this machine: no routing, no metrics, no header rules. Not part of jfaas.
 * Usage: java -cp jfaas.jar MinimalProxy.java PORT UPSTREAM_PORT
 */
public class MinimalProxy extends VerticleBase {
    static int port;
    static int upstream;

    public static void main(String[] args) {
        port = Integer.parseInt(args[0]);
        upstream = Integer.parseInt(args[1]);
        var vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true));
        vertx.deployVerticle(MinimalProxy::new, new DeploymentOptions().setInstances(2));
    }

    @Override
    public Future<?> start() {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(512));
        return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req -> {
            req.pause();
            var options = new RequestOptions().setHost("127.0.0.1").setPort(upstream).setMethod(req.method())
                    .setURI(req.uri()).setHeaders(req.headers());
            client.request(options)
                    .compose(creq -> creq.send(req))
                    .onSuccess(cres -> {
                        req.response().setStatusCode(cres.statusCode()).headers().setAll(cres.headers());
                        req.response().send(cres);
                    })
                    .onFailure(e -> req.response().setStatusCode(502).end());
        }).listen(port, "127.0.0.1");
    }
}
