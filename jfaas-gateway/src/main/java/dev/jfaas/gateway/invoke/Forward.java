package dev.jfaas.gateway.invoke;

import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import dev.jfaas.provider.ExecReplica;
import dev.jfaas.provider.HttpReplica;
import dev.jfaas.provider.Replica;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends the call to the least busy ready replica: proxied over pooled keep-alive HTTP for server
 * replicas, run directly for forking ones. Bodies stream both ways. A replica that cannot be
 * reached is a 502, one that overruns {@code exec_timeout} a 504.
 */
public final class Forward implements Stage {

    private final Vertx vertx;
    private final HttpClient client;

    public Forward(Vertx vertx, HttpClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        var replicas = call.target().readyReplicas();
        if (replicas.isEmpty()) {
            return Future.succeededFuture(InvocationResult.internal(503, "forward",
                    "no replica of " + call.function() + " is ready"));
        }
        var replica = leastBusy(replicas);
        replica.callStarted();
        return switch (replica) {
            case HttpReplica http -> proxy(call, http);
            case ExecReplica exec -> exec.run(call).andThen(done -> replica.callEnded());
        };
    }

    private static Replica leastBusy(List<Replica> replicas) {
        Replica best = replicas.getFirst();
        int size = replicas.size();
        if (size == 1) {
            return best;
        }
        // Start at a rotating offset so equal loads spread instead of piling on the first replica.
        int offset = (int) (Thread.currentThread().threadId() + System.nanoTime()) & Integer.MAX_VALUE;
        best = replicas.get(offset % size);
        for (int i = 1; i < size; i++) {
            var candidate = replicas.get((offset + i) % size);
            if (candidate.inFlight() < best.inFlight()) {
                best = candidate;
            }
        }
        return best;
    }

    private Future<InvocationResult> proxy(Invocation call, HttpReplica replica) {
        var options = new RequestOptions()
                .setMethod(call.method())
                .setHost(replica.host())
                .setPort(replica.port())
                .setURI(call.uri())
                .setHeaders(call.headers())
                .setFollowRedirects(false);
        if (replica.socket() != null) {
            options.setServer(io.vertx.core.net.SocketAddress.domainSocketAddress(replica.socket().toString()));
        }
        var timedOut = new AtomicBoolean();
        long timeoutMs = call.target().watchdog().execTimeout().toMillis();
        return client.request(options).compose(request -> {
            long timer = vertx.setTimer(timeoutMs, id -> {
                timedOut.set(true);
                request.reset();
            });
            call.cancellation().onCancel(() -> request.reset());
            return send(request, call.body()).andThen(done -> {
                if (done.failed()) {
                    vertx.cancelTimer(timer);
                    replica.callEnded();
                } else {
                    done.result().end().onComplete(x -> {
                        vertx.cancelTimer(timer);
                        replica.callEnded();
                    });
                }
            });
        }).map(response -> {
            var body = new Body.Stream(response, () -> response.request().reset());
            return InvocationResult.of(response.statusCode(), response.headers(), body);
        }).recover(failure -> {
            if (timedOut.get()) {
                return Future.succeededFuture(InvocationResult.internal(504, "forward",
                        "function " + call.function() + " did not answer within exec_timeout " + timeoutMs + "ms"));
            }
            return Future.succeededFuture(InvocationResult.internal(502, "forward",
                    "function " + call.function() + " unreachable: " + failure.getMessage()));
        });
    }

    private static Future<HttpClientResponse> send(HttpClientRequest request, Body body) {
        return switch (body) {
            case Body.Empty e -> request.send();
            case Body.Bytes b -> request.send(b.buffer());
            case Body.Stream s -> request.send(s.stream());
        };
    }
}
