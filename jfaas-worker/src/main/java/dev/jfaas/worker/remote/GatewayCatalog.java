package dev.jfaas.worker.remote;

import dev.jfaas.function.FunctionName;
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
 * function has the default policy. Concurrency is not limited here: the gateway's admission
 * queue does that, and a 429 from it is retried like any other.
 */
public final class GatewayCatalog implements FunctionCatalog {

    private static final Logger log = LoggerFactory.getLogger(GatewayCatalog.class);

    private final HttpClient client;
    private final GatewayAddress gateway;
    private final Set<String> queues;
    private volatile Map<FunctionName, RetryPolicy> policies = Map.of();

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
        return 0;
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
                for (int i = 0; i < reads.size(); i++) {
                    for (var fn : new JsonArray(reads.get(i).result())) {
                        var status = (JsonObject) fn;
                        var annotations = new HashMap<String, String>();
                        var given = status.getJsonObject("annotations");
                        if (given != null) {
                            given.forEach(e -> annotations.put(e.getKey(), String.valueOf(e.getValue())));
                        }
                        next.put(FunctionName.of(status.getString("name"), status.getString("namespace")),
                                policyOrDefault(annotations));
                    }
                }
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
