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
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.Provider;
import java.util.Optional;
import dev.jfaas.provider.Replica;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/** Calls and a next stage for stage tests: no server, and replicas only where a test gives them. */
public final class Calls {

    private Calls() {}

    /**
     * A deployed function {@code fn} with these watchdog settings, annotations and ready replicas
     * (its watchdog read once, as a provider keeps it), counting its invocations.
     */
    public record Function(FunctionName name, FunctionDeployment deployment, WatchdogConfig watchdog, List<Replica> replicas,
            java.util.concurrent.atomic.AtomicInteger invocations) implements DeployedFunction {

        /** With these annotations and no replica. */
        public static Function annotated(Map<String, String> annotations) {
            return of(Map.of(), annotations, List.of());
        }

        public static Function of(Map<String, String> env, Map<String, String> annotations, List<Replica> replicas) {
            var deployment = new FunctionDeployment("fn", "img", "openfaas-fn", "cat", env, null, null, null, annotations,
                    null, null, null);
            return new Function(new FunctionName("fn", "openfaas-fn"), deployment, WatchdogConfig.of(deployment), replicas,
                    new java.util.concurrent.atomic.AtomicInteger());
        }

        @Override
        public RetryPolicy retryPolicy() {
            return RetryPolicy.of(deployment.annotations());
        }

        @Override
        public List<Replica> readyReplicas() {
            return replicas;
        }

        @Override
        public CompletionStage<Void> awaitReady() {
            return new CompletableFuture<>();
        }

        @Override
        public void countInvocation() {
            invocations.incrementAndGet();
        }
    }

    /** A POST to {@code fn}, resolved to {@code function}, with these headers (name, value, ...). */
    public static Invocation to(DeployedFunction function, Body body, String... headers) {
        var map = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < headers.length; i += 2) {
            map.add(headers[i], headers[i + 1]);
        }
        return new Invocation("call-1", function.name(), HttpMethod.POST, "/path", "q=1", map, body, 0, function, new Cancellation());
    }

    /** A call to {@code function} not resolved yet (no target), as an entry makes it. */
    public static Invocation unresolved(FunctionName function) {
        return new Invocation("call-1", function, HttpMethod.GET, "/", "", MultiMap.caseInsensitiveMultiMap(), Body.EMPTY, 0,
                null, new Cancellation());
    }

    /** The rest of the chain: remembers the call it was given and answers 200. */
    public static final class Next implements Stage.Chain {
        final AtomicReference<Invocation> passed = new AtomicReference<>();

        @Override
        public Future<InvocationResult> proceed(Invocation call) {
            passed.set(call);
            return Future.succeededFuture(InvocationResult.of(200, MultiMap.caseInsensitiveMultiMap(), Body.EMPTY));
        }
    }

    /** A provider with one function deployed; it can do nothing else. */
    public record Deployed(Function function) implements Provider {
        @Override
        public Optional<DeployedFunction> find(FunctionName name) {
            return name.equals(function.name()) ? Optional.of(function) : Optional.empty();
        }

        @Override
        public List<FunctionStatus> list(String namespace) {
            return List.of();
        }

        @Override
        public Optional<FunctionStatus> status(FunctionName name) {
            return Optional.empty();
        }

        @Override
        public void deploy(FunctionDeployment deployment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void update(FunctionDeployment deployment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(FunctionName name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void scale(FunctionName name, int replicas) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void secretChanged(String namespace, String secret) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FunctionLogs logs() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }
}
