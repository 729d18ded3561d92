package dev.jfaas.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionName;
import dev.jfaas.provider.LogQuery;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A function's log lines are its pods' logs, read with the kubelet's timestamps. */
@EnableKubernetesMockClient
class PodLogsTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void theLinesOfEveryPodOfTheFunctionInTimeOrder() {
        var pods = new PodListBuilder().withNewMetadata().endMetadata().addNewItem().withNewMetadata().withName("hello-a").endMetadata().endItem()
                .addNewItem().withNewMetadata().withName("hello-b").endMetadata().endItem().build();
        server.expect().get().withPath("/api/v1/namespaces/openfaas-fn/pods?labelSelector=faas_function%3Dhello")
                .andReturn(200, pods).always();
        for (var pod : pods.getItems()) { // the client looks the pod up before it reads its log
            var running = new PodListBuilder().withNewMetadata().endMetadata().addNewItem().withNewMetadata().withName(pod.getMetadata().getName()).endMetadata()
                    .withNewStatus().withPhase("Running").endStatus().endItem().build();
            server.expect().get().withPath("/api/v1/namespaces/openfaas-fn/pods?fieldSelector=metadata.name%3D"
                    + pod.getMetadata().getName()).andReturn(200, running).always();
        }
        server.expect().get().withPath("/api/v1/namespaces/openfaas-fn/pods/hello-a/log?pretty=false&tailLines=10&timestamps=true")
                .andReturn(200, "2026-12-02T10:00:00.000000001Z Forking fprocess.\n2026-12-02T10:00:02Z Wrote 5 Bytes\n").always();
        server.expect().get().withPath("/api/v1/namespaces/openfaas-fn/pods/hello-b/log?pretty=false&tailLines=10&timestamps=true")
                .andReturn(200, "2026-12-02T10:00:01Z listening on 8080\n").always();

        var lines = new PodLogs(client).read(new LogQuery(new FunctionName("hello", "openfaas-fn"), 10, null, null));

        assertThat(lines).extracting(l -> l.instance() + " " + l.text())
                .containsExactly("hello-a Forking fprocess.", "hello-b listening on 8080", "hello-a Wrote 5 Bytes");
        assertThat(lines.getFirst().timestamp()).isEqualTo(Instant.parse("2026-12-02T10:00:00.000000001Z"));
        assertThat(lines).allMatch(l -> l.name().equals("hello") && l.namespace().equals("openfaas-fn"));
    }
}
