package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** JFAAS_SANDBOX=none, for machines without bubblewrap: every mode still works, and /system/info says so. */
class UnsandboxedTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass(Map.of("JFAAS_SANDBOX", "none"));

    @Test
    void everyModeRunsAndInfoSaysFunctionsAreNotContained() {
        gateway.deploy(Functions.forking("cat", "cat"));
        gateway.deploy(Functions.forking("stream", "cat", Map.of("mode", "streaming")));
        gateway.deploy(Functions.httpEcho("web", Map.of()));
        assertThat(gateway.call("POST", "/function/cat", "plain").body()).isEqualTo("plain");
        assertThat(gateway.call("POST", "/function/stream", "streamed").body()).isEqualTo("streamed");
        assertThat(gateway.call("GET", "/function/web/x", null).statusCode()).isEqualTo(200);
        var info = TestGateway.parse(gateway.system("GET", "/system/info", null).body()).path("provider");
        assertThat(info.path("sandbox").asText()).isEqualTo("none");
        var env = Functions.forking("env", "env");
        gateway.deploy(env);
        assertThat(gateway.call("POST", "/function/env", "").body()).contains("secret_mount_path=/").doesNotContain("JFAAS_");
    }
}
