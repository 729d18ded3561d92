package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Functions deployed through the real gateway run in their sandboxes: they see nothing of the
 * gateway, of its data or of other functions, run as unprivileged users, and stay in their limits.
 */
class ContainmentTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @BeforeAll
    static void deploy() {
        gateway.system("POST", "/system/secrets", Map.of("name", "mine", "value", "my-secret"));
        gateway.system("POST", "/system/secrets", Map.of("name", "theirs", "value", "their-secret"));
        var probe = Functions.forking("probe", "sh -c", Map.of());
        probe.put("envProcess", "sh probe.sh");
        probe.put("image", Functions.write(Map.of("probe.sh", "sh -c \"$Http_X_Script\" 2>&1\n")).toString());
        probe.put("secrets", List.of("mine"));
        gateway.deploy(probe);
        var other = Functions.forking("other", "cat");
        other.put("secrets", List.of("theirs"));
        gateway.deploy(other);
    }

    /** Runs a shell line inside the probe function's sandbox, as a forking call. */
    private static String inProbe(String script) {
        var response = gateway.call("POST", "/function/probe", "", "X-Script", script);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void aFunctionRunsAsAnUnprivilegedUserWithoutCapabilities() {
        var status = inProbe("id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status");
        assertThat(status.lines().findFirst().orElseThrow()).isNotEqualTo("0");
        assertThat(status).containsPattern("CapEff:\\s+0+\\n").containsPattern("CapBnd:\\s+0+\\n").containsPattern("NoNewPrivs:\\s+1");
    }

    @Test
    void aFunctionCannotReadTheHostsSecretsTheGatewaysDataOrAnotherFunction() {
        var data = gateway.dataDir.toString();
        var out = inProbe("cat /etc/shadow; ls /root; ls " + data + "; cat " + data + "/jfaas.db; cat " + data
                + "/queue.db; ls /run/jfaas; cat /var/openfaas/secrets/theirs; ls /var/openfaas/secrets; echo done");
        assertThat(out).doesNotContain("root:").doesNotContain("their-secret").doesNotContain("SQLite").doesNotContain("theirs\n")
                .contains("mine").endsWith("done\n");
        assertThat(inProbe("cat /var/openfaas/secrets/mine")).isEqualTo("my-secret");
    }

    @Test
    void aFunctionWritesOnlyToTmpAndItsOwnDirectory() {
        var out = inProbe("echo x > /tmp/t && echo tmp-ok; echo x > /home/app/t && echo home-ok; "
                + "echo x > /usr/t || echo usr-refused; echo x > /etc/t || echo etc-refused");
        assertThat(out).contains("tmp-ok", "home-ok", "usr-refused", "etc-refused");
    }

    @Test
    void itsEnvironmentHoldsNothingOfTheGateways() {
        var env = inProbe("env");
        assertThat(env).contains("HOME=/home/app", "secret_mount_path=/var/openfaas/secrets", "Http_Method=POST")
                .doesNotContain("JFAAS_", "JAVA_HOME", "test-password", "MAVEN", "USER=root");
    }

    @Test
    void aFunctionOverItsMemoryLimitIsKilledWithAClearErrorAndTheNextCallWorks() {
        var hog = Functions.forking("hog", "python3 -c import\u0020sys;x=bytearray(int(sys.stdin.read()));print(len(x))");
        hog.put("envProcess", "python3 hog.py");
        hog.put("image", Functions.write(Map.of("hog.py", "import sys\nx = bytearray(int(sys.stdin.read()))\nprint(len(x))\n")).toString());
        hog.put("limits", Map.of("memory", "48Mi"));
        gateway.deploy(hog);
        var over = gateway.call("POST", "/function/hog", Integer.toString(200 << 20));
        assertThat(over.statusCode()).isEqualTo(500);
        assertThat(over.body()).contains("memory limit");
        var under = gateway.call("POST", "/function/hog", Integer.toString(1 << 20));
        assertThat(under.statusCode()).isEqualTo(200);
        assertThat(under.body().strip()).isEqualTo(Integer.toString(1 << 20));
        assertThat(gateway.system("GET", "/system/logs?name=hog", null).body()).contains("memory limit");
    }

    @Test
    void aForkBombStaysInItsReplicaWhileOthersKeepAnswering() {
        var bomb = Functions.forking("bomb", "sh bomb.sh");
        bomb.put("image", Functions.write(Map.of("bomb.sh", "b() { b | b & }; b; sleep 2; echo survived\n")).toString());
        bomb.put("annotations", Map.of("com.jfaas.limits.pids", "32"));
        var env = new HashMap<String, String>();
        env.put("exec_timeout", "4s");
        bomb.put("envVars", env);
        gateway.deploy(bomb);
        var bombing = Thread.ofVirtual().start(() -> gateway.call("POST", "/function/bomb", ""));
        for (int i = 0; i < 5; i++) {
            assertThat(gateway.call("POST", "/function/other", "still here").body()).isEqualTo("still here");
            assertThat(gateway.call("GET", "/healthz", null).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !bombing.isAlive());
        assertThat(gateway.call("POST", "/function/other", "after").body()).isEqualTo("after");
    }

    @Test
    void systemInfoSaysHowFunctionsAreContained() {
        var info = TestGateway.parse(gateway.system("GET", "/system/info", null).body()).path("provider");
        assertThat(info.path("sandbox").asText()).isEqualTo("bwrap");
        assertThat(info.path("limitsEnforced").asBoolean()).isTrue();
    }

    @Test
    void aDirectoryFunctionUsersCannotReachIsRefusedAtDeploy() throws Exception {
        var closed = java.nio.file.Files.createTempDirectory("jfaas-closed");
        var response = gateway.system("POST", "/system/functions", Map.of("service", "closed", "image", closed.toString(),
                "envProcess", "cat"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("out of reach of function users", "chmod o+rx");
    }

    @Test
    void aDirectoryUnderOneFunctionUsersCannotEnterIsDeployedAndRuns() throws Exception {
        // as a function kept under /root (rwx------) would be: the launcher opens it as the gateway's user
        var home = java.nio.file.Files.createTempDirectory("jfaas-private-home");
        java.nio.file.Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        var fn = java.nio.file.Files.createDirectory(home.resolve("hello"));
        java.nio.file.Files.setPosixFilePermissions(fn, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var script = java.nio.file.Files.writeString(fn.resolve("run.sh"), "echo hello from $(pwd)\n");
        java.nio.file.Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        gateway.deploy(Map.of("service", "private-home", "image", fn.toString(), "envProcess", "sh run.sh"));
        assertThat(gateway.call("POST", "/function/private-home", "").body()).isEqualTo("hello from /home/app\n");
    }

    @Test
    void usageIsReportedFromTheCgroups() {
        gateway.deploy(Functions.httpEcho("measured", Map.of()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gateway.describe("measured").path("usage").path("totalMemoryBytes").asDouble()).isPositive());
    }
}
