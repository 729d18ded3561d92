package dev.jfaas.app;

import dev.jfaas.gateway.Gateway;
import dev.jfaas.gateway.GatewayConfig;
import dev.jfaas.gateway.auth.Credentials;
import dev.jfaas.provider.process.ProcessProvider;
import dev.jfaas.store.sqlite.Durability;
import dev.jfaas.store.sqlite.SqliteStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole jfaas on one machine, wired from configuration: the embedded SQLite store, the local
 * process provider and the gateway. What {@code jfaas up} runs, and what the end-to-end tests
 * start.
 */
public final class JfaasServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JfaasServer.class);

    private final SqliteStore store;
    private final ProcessProvider provider;
    private final Vertx vertx;
    private final Gateway gateway;
    private final Credentials credentials;

    private JfaasServer(SqliteStore store, ProcessProvider provider, Vertx vertx, Gateway gateway, Credentials credentials) {
        this.store = store;
        this.provider = provider;
        this.vertx = vertx;
        this.gateway = gateway;
        this.credentials = credentials;
    }

    public static JfaasServer start(Map<String, String> env) {
        var config = GatewayConfig.fromEnvironment(env);
        var durability = Durability.valueOf(env.getOrDefault("JFAAS_DURABILITY", "full").toUpperCase(Locale.ROOT));
        var store = SqliteStore.open(config.dataDir(), durability);
        ProcessProvider provider = null;
        Vertx vertx = null;
        try {
            var credentials = Credentials.resolve(config.secretMountPath(), config.basicAuthUser(),
                    config.basicAuthPassword(), config.dataDir());
            provider = new ProcessProvider(config.dataDir(), store, store, store);
            provider.restore();
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, config.eventLoops()))
                    .setPreferNativeTransport(true));
            log.debug("event loops use the {} transport", vertx.isNativeTransportEnabled() ? "native" : "NIO");
            var gateway = Gateway.start(vertx, config, credentials, provider, store, store);
            log.info("jfaas listening on port {}", gateway.port());
            return new JfaasServer(store, provider, vertx, gateway, credentials);
        } catch (RuntimeException e) {
            if (vertx != null) {
                vertx.close();
            }
            if (provider != null) {
                provider.close();
            }
            store.close();
            throw e;
        }
    }

    public int port() {
        return gateway.port();
    }

    public Credentials credentials() {
        return credentials;
    }

    @Override
    public void close() {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        provider.close();
        store.close();
    }
}
