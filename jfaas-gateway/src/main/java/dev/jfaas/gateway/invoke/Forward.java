package dev.jfaas.gateway.invoke;

import dev.jfaas.gateway.upstream.UpstreamClient;
import dev.jfaas.gateway.upstream.UpstreamExchange;
import dev.jfaas.gateway.upstream.UpstreamRequest;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import dev.jfaas.provider.ExecReplica;
import dev.jfaas.provider.HttpReplica;
import dev.jfaas.provider.Replica;
import io.vertx.core.Future;
import java.util.List;

/**
 * Sends the call to the least busy ready replica: proxied over pooled keep-alive HTTP for server
 * replicas (on raw Netty, {@link UpstreamClient}), run directly for forking ones. Bodies stream both ways. A replica that cannot be
 * reached is a 502, one that overruns {@code exec_timeout} a 504.
 */
public final class Forward implements Stage {

    private final UpstreamClient upstream;

    public Forward(UpstreamClient upstream) {
        this.upstream = upstream;
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

    private static InvocationResult answer(UpstreamExchange response) {
        var whole = response.wholeBody();
        return InvocationResult.of(response.status(), response.headers(),
                whole != null ? Body.of(whole) : new Body.Stream(response, response::reset));
    }

    private Future<InvocationResult> proxy(Invocation call, HttpReplica replica) {
        var timeout = call.target().watchdog().execTimeout();
        var exchange = upstream.exchange(new UpstreamRequest(call.method(), call.uri(), call.headers(), call.body(),
                replica.address(), replica.authority()), timeout, replica::callEnded);
        call.cancellation().onCancel(exchange::reset);
        // One step for either outcome: a map and a recover made two futures more per call.
        return exchange.head().transform(head -> {
            if (head.succeeded()) {
                return Future.succeededFuture(answer(head.result()));
            }
            long timeoutMs = timeout.toMillis();
            if (exchange.timedOut() && !exchange.requestWritten() && call.body() instanceof Body.Stream) {
                return Future.succeededFuture(InvocationResult.internal(408, "forward",
                        "request body not received within exec_timeout " + timeoutMs + "ms"));
            }
            if (exchange.timedOut()) {
                return Future.succeededFuture(InvocationResult.internal(504, "forward",
                        "function " + call.function() + " did not answer within exec_timeout " + timeoutMs + "ms"));
            }
            return Future.succeededFuture(InvocationResult.internal(502, "forward",
                    "function " + call.function() + " unreachable: " + head.cause().getMessage()));
        });
    }
}
