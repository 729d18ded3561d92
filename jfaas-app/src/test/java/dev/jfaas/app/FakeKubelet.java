package dev.jfaas.app;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * For tests only: what the kubelet and the Deployment and EndpointSlice controllers would do,
 * against the fabric8 mock API server (which runs no controllers). It watches Deployments, runs
 * each replica as a local process (the container's command is its {@code fprocess}, in the
 * directory the image names, with its env and {@code PORT}), writes one EndpointSlice per ready
 * replica (127.0.0.1 and its port) and the Deployment's status. A projected secret volume becomes
 * a directory of files, named to the process as {@code SECRETS_DIR}.
 */
final class FakeKubelet implements AutoCloseable {

    private record Replica(Process process, int port, String pod) {}

    private final KubernetesClient client;
    private final Map<String, List<Replica>> running = new HashMap<>();
    private final Map<String, String> images = new HashMap<>();
    private final ExecutorService work = Executors.newSingleThreadExecutor();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Watch watch;
    private int pods;

    FakeKubelet(KubernetesClient client) {
        this.client = client;
        this.watch = client.apps().deployments().inAnyNamespace().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment deployment) {
                work.execute(() -> reconcile(action, deployment));
            }

            @Override
            public void onClose(WatcherException cause) {}
        });
    }

    private static String key(Deployment d) {
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    }

    private synchronized void reconcile(Watcher.Action action, Deployment deployment) {
        var key = key(deployment);
        var replicas = running.computeIfAbsent(key, k -> new ArrayList<>());
        int wanted = action == Watcher.Action.DELETED || deployment.getSpec().getReplicas() == null ? 0 : deployment.getSpec().getReplicas();
        var template = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();
        // A new image (or directory, here) is a rollout: every replica starts again.
        boolean changed = action == Watcher.Action.MODIFIED && images.containsKey(key) && !template.equals(images.get(key));
        if (changed) {
            while (!replicas.isEmpty()) {
                stop(deployment, replicas.removeLast());
            }
        }
        images.put(key, template);
        while (replicas.size() > wanted) {
            stop(deployment, replicas.removeLast());
        }
        while (replicas.size() < wanted) {
            try {
                replicas.add(start(deployment));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (action != Watcher.Action.DELETED) {
            var current = client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
                    .withName(deployment.getMetadata().getName()).get();
            if (current != null) {
                current.setStatus(new DeploymentStatusBuilder().withReplicas(replicas.size()).withReadyReplicas(replicas.size())
                        .withAvailableReplicas(replicas.size()).build());
                client.apps().deployments().inNamespace(current.getMetadata().getNamespace()).resource(current).updateStatus();
            }
        } else {
            running.remove(key);
        }
    }

    private Replica start(Deployment deployment) throws IOException {
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        var env = new HashMap<String, String>();
        String fprocess = null;
        for (var var : container.getEnv()) {
            if (var.getName().equals("fprocess")) {
                fprocess = var.getValue();
            } else {
                env.put(var.getName(), var.getValue());
            }
        }
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        env.put("PORT", Integer.toString(port));
        var namespace = deployment.getMetadata().getNamespace();
        var volumes = deployment.getSpec().getTemplate().getSpec().getVolumes();
        if (volumes != null) {
            for (var volume : volumes) {
                if (volume.getProjected() == null) {
                    continue;
                }
                var dir = Files.createTempDirectory("fake-kubelet-secrets");
                for (var source : volume.getProjected().getSources()) {
                    var secret = client.secrets().inNamespace(namespace).withName(source.getSecret().getName()).get();
                    if (secret != null && secret.getData() != null) {
                        for (var item : secret.getData().entrySet()) {
                            Files.write(dir.resolve(item.getKey()), Base64.getDecoder().decode(item.getValue()));
                        }
                    }
                }
                env.put("SECRETS_DIR", dir.toString());
            }
        }
        var builder = new ProcessBuilder("sh", "-c", fprocess).directory(Path.of(container.getImage()).toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        var process = builder.start();
        var pod = deployment.getMetadata().getName() + "-pod-" + (++pods);
        awaitHealthy(port, process);
        client.discovery().v1().endpointSlices().inNamespace(namespace).resource(new EndpointSliceBuilder().withNewMetadata()
                .withName(pod).withNamespace(namespace).addToLabels("kubernetes.io/service-name", deployment.getMetadata().getName())
                .endMetadata().withAddressType("IPv4").addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(true).endConditions()
                .withNewTargetRef().withKind("Pod").withName(pod).endTargetRef().endEndpoint().build()).create();
        return new Replica(process, port, pod);
    }

    private void awaitHealthy(int port, Process process) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_/health")).timeout(Duration.ofSeconds(1)).build();
        for (int i = 0; i < 200 && process.isAlive(); i++) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void stop(Deployment deployment, Replica replica) {
        client.discovery().v1().endpointSlices().inNamespace(deployment.getMetadata().getNamespace()).withName(replica.pod()).delete();
        replica.process().destroy();
    }

    int running(String namespace, String name) {
        synchronized (this) {
            var replicas = running.get(namespace + "/" + name);
            return replicas == null ? 0 : (int) replicas.stream().filter(r -> r.process().isAlive()).count();
        }
    }

    @Override
    public void close() {
        watch.close();
        work.shutdownNow();
        synchronized (this) {
            running.values().forEach(list -> list.forEach(r -> r.process().destroyForcibly()));
        }
    }
}
