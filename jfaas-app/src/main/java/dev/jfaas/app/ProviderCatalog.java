package dev.jfaas.app;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.QueueConcurrency;
import dev.jfaas.function.RetryPolicy;
import dev.jfaas.provider.DeployedFunction;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.worker.FunctionCatalog;
import java.util.HashSet;
import java.util.Set;

/** What the embedded workers learn about functions, read from the local provider. */
final class ProviderCatalog implements FunctionCatalog {

    private final Provider provider;

    ProviderCatalog(Provider provider) {
        this.provider = provider;
    }

    @Override
    public RetryPolicy retryPolicy(FunctionName function) {
        return provider.find(function).map(DeployedFunction::retryPolicy).orElse(RetryPolicy.DEFAULT);
    }

    @Override
    public int concurrencyLimit(FunctionName function) {
        return provider.find(function).map(f -> {
            int given = QueueConcurrency.of(f.deployment().annotations());
            if (given > 0) {
                return given;
            }
            int perReplica = f.watchdog().maxInflight();
            return perReplica == 0 ? 0 : perReplica * Math.max(1, f.readyReplicas().size());
        }).orElse(0);
    }

    @Override
    public Set<String> queues() {
        var names = new HashSet<String>();
        names.add(QueuedCall.DEFAULT_QUEUE);
        for (var status : provider.list(null)) {
            var queue = status.annotations().get(QueuedCall.QUEUE_ANNOTATION);
            if (queue != null && !queue.isBlank()) {
                names.add(queue);
            }
        }
        return names;
    }
}
