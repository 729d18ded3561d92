package dev.jfaas.gateway.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The autoscaler over a provider that keeps replica counts and records what it is told. */
class AutoscalerTest {

    static final FunctionName FN = FunctionName.of("fn", "openfaas-fn");

    /** One function, its replicas as told (all ready at once). */
    static final class Replicas implements Provider {
        int replicas = 1;
        final List<Integer> told = new ArrayList<>();

        @Override
        public List<FunctionStatus> list(String namespace) {
            return List.of(new FunctionStatus("fn", "img", "openfaas-fn", "cat", Map.of(), List.of(), List.of(),
                    Map.of("com.openfaas.scale.zero", "true"), Map.of(), null, null, null, 0, replicas, replicas,
                    "2026-12-07T00:00:00Z", null, null, null));
        }

        @Override
        public void scale(FunctionName name, int count) {
            told.add(count);
            replicas = count;
        }

        @Override
        public Optional<DeployedFunction> find(FunctionName name) {
            return Optional.of(new DeployedFunction() {
                @Override
                public FunctionName name() {
                    return FN;
                }

                @Override
                public FunctionDeployment deployment() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public dev.jfaas.function.WatchdogConfig watchdog() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public dev.jfaas.function.RetryPolicy retryPolicy() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public List<dev.jfaas.provider.Replica> readyReplicas() {
                    return List.of();
                }

                @Override
                public java.util.concurrent.CompletionStage<Void> awaitReady() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void countInvocation() {}
            });
        }

        @Override
        public Optional<FunctionStatus> status(FunctionName name) {
            return list(null).stream().findFirst();
        }

        @Override
        public void deploy(FunctionDeployment deployment) {}

        @Override
        public void update(FunctionDeployment deployment) {}

        @Override
        public void remove(FunctionName name) {}

        @Override
        public void secretChanged(String namespace, String secret) {}

        @Override
        public FunctionLogs logs() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }

    final Replicas provider = new Replicas();
    final LoadTracker load = new LoadTracker();
    final Autoscaler autoscaler = new Autoscaler(provider, load, List::of, Duration.ofSeconds(2), Duration.ofSeconds(30));

    void calls(int count) {
        for (int i = 0; i < count; i++) {
            load.started(FN);
            load.finished(FN);
        }
    }

    @Test
    void callsAndAScaleToZeroBeforeItsFirstLookDoNotBringTheFunctionBack() {
        calls(50);
        provider.scale(FN, 0); // jfaas scale fn 0, right after the calls
        provider.told.clear();
        autoscaler.tick();
        autoscaler.tick();
        assertThat(provider.told).isEmpty();
        assertThat(provider.replicas).isZero();
    }

    @Test
    void callsAfterItsFirstLookAreItsLoad() {
        autoscaler.tick();
        calls(200);
        autoscaler.tick();
        assertThat(provider.told).isNotEmpty();
        assertThat(provider.replicas).isGreaterThan(1);
    }
}
