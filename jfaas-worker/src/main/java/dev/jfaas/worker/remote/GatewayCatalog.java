package dev.jfaas.worker.remote;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.QueueConcurrency;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.worker.FunctionCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a standalone worker knows of functions: read from a gateway's {@code /system/functions}
 * every few seconds (retry policies come from annotations). Until the first read succeeds, every
 * function has the default policy. Concurrency is limited only where a function's owner says so
 * ({@link QueueConcurrency}); otherwise the gateway's admission queue limits it, and its 429s
 * lower the function's adaptive limit in this worker like a function's own.
 */
public final class GatewayCatalog implements FunctionCatalog {

    private static final Logger log = LoggerFactory.getLogger(GatewayCatalog.class);

    private final HttpClient client;
    private final GatewayAddress gateway;
    private final Set<String> queues;
    private volatile Map<FunctionName, RetryPolicy> policies = Map.of();
    private volatile Map<FunctionName, Integer> concurrency = Map.of();

    /** @param queues the named queues this worker drains */
    public GatewayCatalog(Vertx vertx, HttpClient client, GatewayAddress gateway, Set<String> queues, Duration refresh) {
        this.client = client;
        this.gateway = gateway;
        this.queues = Set.copyOf(queues);
        refresh();
        vertx.setPeriodic(refresh.toMillis(), id -> refresh());
    }

    @Override
    public RetryPolicy retryPolicy(FunctionName function) {
        return policies.getOrDefault(function, RetryPolicy.DEFAULT);
    }

    @Override
    public int concurrencyLimit(FunctionName function) {
        return concurrency.getOrDefault(function, 0);
    }

    @Override
    public Set<String> queues() {
        return queues;
    }

    private void refresh() {
        get("/system/namespaces").compose(body -> {
            var namespaces = new JsonArray(body);
            var reads = new ArrayList<Future<Buffer>>();
            for (var ns : namespaces) {
                reads.add(get("/system/functions?namespace=" + ns));
            }
            return Future.all(reads).map(all -> {
                var next = new HashMap<FunctionName, RetryPolicy>();
                var limits = new HashMap<FunctionName, Integer>();
                for (int i = 0; i < reads.size(); i++) {
                    for (var fn : new JsonArray(reads.get(i).result())) {
                        var status = (JsonObject) fn;
                        var annotations = new HashMap<String, String>();
                        var given = status.getJsonObject("annotations");
                        if (given != null) {
                            given.forEach(e -> annotations.put(e.getKey(), String.valueOf(e.getValue())));
                        }
                        var name = FunctionName.of(status.getString("name"), status.getString("namespace"));
                        next.put(name, policyOrDefault(annotations));
                        int limit = concurrencyOrNone(annotations);
                        if (limit > 0) {
                            limits.put(name, limit);
                        }
                    }
                }
                concurrency = Map.copyOf(limits);
                return next;
            });
        }).onSuccess(next -> policies = Map.copyOf(next))
                .onFailure(e -> log.warn("could not read functions from {}: {}", gateway, e.getMessage()));
    }

    private static RetryPolicy policyOrDefault(Map<String, String> annotations) {
        try {
            return RetryPolicy.of(annotations);
        } catch (RuntimeException invalid) {
            return RetryPolicy.DEFAULT; // the gateway validated them at deploy; an older one may not have
        }
    }

    private static int concurrencyOrNone(Map<String, String> annotations) {
        try {
            return QueueConcurrency.of(annotations);
        } catch (RuntimeException invalid) {
            return 0;
        }
    }

    private Future<Buffer> get(String path) {
        var options = gateway.request(HttpMethod.GET, path);
        if (gateway.authorization() != null) {
            options.putHeader("Authorization", gateway.authorization());
        }
        return client.request(options).compose(request -> request.send()).compose(response -> {
            if (response.statusCode() != 200) {
                return Future.failedFuture(path + " answered " + response.statusCode());
            }
            return response.body();
        });
    }

}
