package dev.jfaas.provider.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateway runs what must run once per cluster (the autoscaler): the holder of a Kubernetes
 * Lease, renewed while it lives and released when it stops, taken over by another gateway when
 * its holder has not renewed it for the lease's duration.
 */
public final class Leadership implements BooleanSupplier, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    private final AtomicBoolean leading = new AtomicBoolean();
    private final CompletableFuture<?> running;
    private final String identity;

    Leadership(KubernetesClient client, String namespace, String lease, String identity, Duration duration) {
        this.identity = identity;
        var config = new LeaderElectionConfigBuilder().withName(lease)
                .withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(duration).withRenewDeadline(duration.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(duration.dividedBy(5)).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leading.set(true);
                            log.info("{} holds the lease {}: it runs the autoscaler", identity, lease);
                        },
                        () -> {
                            leading.set(false);
                            log.info("{} gave up the lease {}", identity, lease);
                        },
                        holder -> log.debug("lease {} is held by {}", lease, holder)))
                .build();
        this.running = client.leaderElector().withConfig(config).build().start();
    }

    @Override
    public boolean getAsBoolean() {
        return leading.get();
    }

    public String identity() {
        return identity;
    }

    @Override
    public void close() {
        running.cancel(true);
        leading.set(false);
    }
}
