package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployments, secrets, namespaces and replica counts survive a gateway restart. */
class RestartTest {

    @Test
    void restartRestoresEverything() {
        try (var gateway = TestGateway.start()) {
            gateway.system("POST", "/system/namespace/kept", null);
            gateway.system("POST", "/system/secrets", Map.of("name", "token", "value", "t-1"));
            var reader = Functions.inDirectory("keeper", "sh read.sh", Map.of(), Map.of("read.sh", "cat \"$secret_mount_path/token\"\n"));
            reader.put("secrets", List.of("token"));
            gateway.deploy(reader);
            gateway.deploy(Functions.httpEcho("server", Map.of()));
            gateway.system("POST", "/system/scale-function/server", Map.of("replicas", 2));
            gateway.awaitReady("server", 2);

            gateway.restart();

            gateway.awaitReady("keeper", 1);
            gateway.awaitReady("server", 2);
            assertThat(gateway.call("POST", "/function/keeper", "").body()).isEqualTo("t-1");
            assertThat(gateway.call("GET", "/function/server/", null).statusCode()).isEqualTo(200);
            assertThat(gateway.system("GET", "/system/namespaces", null).body()).contains("kept");
            assertThat(gateway.system("GET", "/system/secrets", null).body()).contains("token");
        }
    }
}
