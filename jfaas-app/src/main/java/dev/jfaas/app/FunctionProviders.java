package dev.jfaas.app;

import dev.jfaas.images.ImageSettings;
import dev.jfaas.images.ImageStore;
import dev.jfaas.provider.Provider;
import dev.jfaas.provider.kubernetes.KubernetesProvider;
import dev.jfaas.provider.process.ProcessProvider;
import dev.jfaas.sandbox.Sandbox;
import dev.jfaas.settings.Setting;
import dev.jfaas.settings.Settings;
import dev.jfaas.store.NamespaceStore;
import dev.jfaas.store.SecretStore;
import dev.jfaas.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where functions run: local sandboxed processes (the default), or a Kubernetes cluster. */
final class FunctionProviders {

    private static final Logger log = LoggerFactory.getLogger(FunctionProviders.class);

    enum Kind { PROCESS, KUBERNETES }

    static final Setting<Kind> PROVIDER = Setting.oneOf("JFAAS_PROVIDER", "process",
            Map.of("process", Kind.PROCESS, "kubernetes", Kind.KUBERNETES),
            "where functions run: `process` (local sandboxed replicas) or `kubernetes` (in-cluster config or `KUBECONFIG`)");

    /**
     * A provider with what goes with it.
     *
     * @param imagesInUse what the image store must keep
     * @param kind        the provider for people and health checks
     * @param autoscaling whether this gateway's autoscaler should act now (with several gateways on one
     *                    cluster, only the one holding a Lease does)
     */
    record Opened(Provider provider, SecretStore secrets, NamespaceStore namespaces, Supplier<Set<String>> imagesInUse,
            String kind, BooleanSupplier autoscaling) {}

    private FunctionProviders() {}

    /** Opens the provider the settings choose; what must be closed is pushed on {@code parts}. */
    static Opened open(Settings settings, Path dataDir, SqliteStore store, Sandbox sandbox, ImageStore images,
            boolean autoscale, String gatewayId, Deque<AutoCloseable> parts) {
        return switch (settings.get(PROVIDER)) {
            case KUBERNETES -> {
                var kubernetes = KubernetesProvider.connect(settings.environment("KUBECONFIG").orElse(null));
                parts.push(kubernetes);
                BooleanSupplier autoscaling = () -> true;
                if (autoscale) {
                    var lease = kubernetes.autoscalerLease(settings.environment("HOSTNAME").orElse("gateway") + "-"
                            + gatewayId, Duration.ofSeconds(15));
                    parts.push(lease);
                    autoscaling = lease;
                }
                log.info("functions run on Kubernetes at {}", kubernetes.info().get("cluster"));
                // the cluster's nodes pull and keep images
                yield new Opened(kubernetes, kubernetes.secrets(), kubernetes.namespaces(), Set::of,
                        "kubernetes " + kubernetes.info().get("cluster"), autoscaling);
            }
            case PROCESS -> {
                var local = new ProcessProvider(dataDir, store, store, store, sandbox, images, ImageSettings.from(settings));
                parts.push(local);
                local.restore();
                yield new Opened(local, store, store, local::imagesInUse,
                        "process, sandbox " + local.info().getOrDefault("sandbox", "none"), () -> true);
            }
        };
    }
}
