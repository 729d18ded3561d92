package dev.jfaas.provider.kubernetes;

import dev.jfaas.function.FunctionName;
import dev.jfaas.provider.HttpReplica;
import dev.jfaas.provider.Replica;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a function's replicas answer, from the EndpointSlices of its Service
 * ({@code kubernetes.io/service-name}): ready endpoints only, on the slice's port. Read from the
 * informer's cache, so routing a call never asks the API server.
 */
final class EndpointSlices implements AutoCloseable {

    static final String SERVICE_LABEL = "kubernetes.io/service-name";
    /** Slices indexed by namespace/service, so a call looks up its function's slices, not every slice. */
    private static final String BY_SERVICE = "service";

    private final SharedIndexInformer<EndpointSlice> informer;

    EndpointSlices(KubernetesClient client) {
        this.informer = client.discovery().v1().endpointSlices().inAnyNamespace().withLabel(SERVICE_LABEL).runnableInformer(0);
        informer.addIndexers(java.util.Map.of(BY_SERVICE, slice -> List.of(slice.getMetadata().getNamespace() + "/"
                + slice.getMetadata().getLabels().get(SERVICE_LABEL))));
        informer.start();
    }

    List<Replica> ready(FunctionName function) {
        var out = new ArrayList<Replica>();
        for (var slice : informer.getIndexer().byIndex(BY_SERVICE, function.namespace() + "/" + function.name())) {
            int port = slice.getPorts() == null || slice.getPorts().isEmpty() || slice.getPorts().getFirst().getPort() == null
                    ? FunctionObjects.PORT : slice.getPorts().getFirst().getPort();
            for (var endpoint : slice.getEndpoints() == null ? List.<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint>of()
                    : slice.getEndpoints()) {
                var conditions = endpoint.getConditions();
                boolean ready = conditions == null || conditions.getReady() == null || conditions.getReady();
                if (!ready || endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
                    continue;
                }
                var instance = endpoint.getTargetRef() != null && endpoint.getTargetRef().getName() != null
                        ? endpoint.getTargetRef().getName() : endpoint.getAddresses().getFirst() + ":" + port;
                out.add(new HttpReplica(instance, endpoint.getAddresses().getFirst(), port));
            }
        }
        return out;
    }

    @Override
    public void close() {
        informer.close();
    }
}
