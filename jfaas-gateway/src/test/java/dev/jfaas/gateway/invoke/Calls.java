package dev.jfaas.gateway.invoke;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.function.WatchdogConfig;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Cancellation;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.Replica;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/** Calls and a next stage for stage tests: no server, no replica. */
public final class Calls {

    private Calls() {}

    /** A deployed function with these annotations and no replica. */
    public record Function(FunctionName name, FunctionDeployment deployment) implements DeployedFunction {
        public static Function annotated(Map<String, String> annotations) {
            var deployment = new FunctionDeployment("fn", "img", "openfaas-fn", "cat", Map.of(), null, null, null, annotations,
                    null, null, null);
            return new Function(new FunctionName("fn", "openfaas-fn"), deployment);
        }

        @Override
        public WatchdogConfig watchdog() {
            return WatchdogConfig.of(deployment);
        }

        @Override
        public RetryPolicy retryPolicy() {
            return RetryPolicy.of(deployment.annotations());
        }

        @Override
        public List<Replica> readyReplicas() {
            return List.of();
        }

        @Override
        public CompletionStage<Void> awaitReady() {
            return new CompletableFuture<>();
        }

        @Override
        public void countInvocation() {}
    }

    /** A POST to {@code fn}, resolved to {@code function}, with these headers (name, value, ...). */
    static Invocation to(DeployedFunction function, Body body, String... headers) {
        var map = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < headers.length; i += 2) {
            map.add(headers[i], headers[i + 1]);
        }
        return new Invocation("call-1", function.name(), HttpMethod.POST, "/path", "q=1", map, body, 0, function, new Cancellation());
    }

    /** The rest of the chain: remembers the call it was given and answers 200. */
    static final class Next implements Stage.Chain {
        final AtomicReference<Invocation> passed = new AtomicReference<>();

        @Override
        public Future<InvocationResult> proceed(Invocation call) {
            passed.set(call);
            return Future.succeededFuture(InvocationResult.of(200, MultiMap.caseInsensitiveMultiMap(), Body.EMPTY));
        }
    }
}
