package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A data directory on a small tmpfs, filled up: every write path answers 507 (async accepts 503,
 * never a 202 that was not stored), and all works again once space is freed, without a restart.
 * Needs root to mount the tmpfs; elsewhere it is skipped, saying so (CI runs as root).
 */
class DiskFullTest {

    Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aFullDiskIsA507AndPassesWhenSpaceReturns() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "mounting a small tmpfs needs root: skipped");
        mount = Files.createTempDirectory("jfaas-full");
        var mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString()).inheritIO().start();
        assertThat(mounted.waitFor()).isZero();
        try (var gateway = TestGateway.start(Map.of("JFAAS_DATA", mount.resolve("data").toString()))) {
            gateway.deploy(Functions.forking("cat", "cat"));
            var filler = mount.resolve("filler");
            fill(filler);

            var deploy = gateway.system("POST", "/system/functions", Functions.forking("another", "cat"));
            assertThat(deploy.statusCode()).as(deploy.body()).isEqualTo(507);
            assertThat(deploy.body()).contains("disk is full");
            var secret = gateway.system("POST", "/system/secrets", Map.of("name", "s", "value", "v".repeat(100_000)));
            assertThat(secret.statusCode()).as(secret.body()).isEqualTo(507);
            var accepted = gateway.call("POST", "/async-function/cat", "x".repeat(100_000));
            assertThat(accepted.statusCode()).as(accepted.body()).isIn(503, 507);
            assertThat(gateway.call("POST", "/function/cat", "sync still works").body()).isEqualTo("sync still works");

            Files.delete(filler);
            assertThat(gateway.system("POST", "/system/functions", Functions.forking("another", "cat")).statusCode()).isEqualTo(202);
            var later = gateway.call("POST", "/async-function/cat", "after");
            assertThat(later.statusCode()).isEqualTo(202);
            var id = later.headers().firstValue("X-Call-Id").orElseThrow();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(gateway.system("GET", "/system/calls/" + id + "/result", null).body()).isEqualTo("after"));
        }
    }

    @Test
    void aCallWhoseEndCouldNotBeRecordedNeverRunsMoreThanItsAttempts() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "mounting a small tmpfs needs root: skipped");
        mount = Files.createTempDirectory("jfaas-full");
        assertThat(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString()).inheritIO().start()
                .waitFor()).isZero();
        try (var gateway = TestGateway.start(Map.of("JFAAS_DATA", mount.resolve("data").toString(), "JFAAS_LEASE_TIME", "2s"))) {
            var once = Functions.inDirectory("once", "sh run.sh", Map.of("exec_timeout", "20s"),
                    Map.of("run.sh", "echo ran >> runs.log\nsleep 3\necho ended > ended.log\necho done\n"));
            once.put("annotations", Map.of("com.openfaas.retry.attempts", "1"));
            gateway.deploy(once);
            var runs = Path.of((String) once.get("image")).resolve("runs.log");
            var id = gateway.call("POST", "/async-function/once", "").headers().firstValue("X-Call-Id").orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(runs));
            var filler = mount.resolve("filler");
            fill(filler); // its end, and its lease's renewals, cannot be written now
            var ended = runs.resolveSibling("ended.log");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ended));
            // Its end could not be written: it stays running, past its lease, while the disk is full.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> status(gateway, id).equals("running"));
            Files.delete(filler);
            await().atMost(Duration.ofSeconds(90)).until(() -> status(gateway, id).equals("dead"));
            assertThat(Files.readAllLines(runs)).hasSize(1);
        }
    }

    private static String status(TestGateway gateway, String id) {
        return TestGateway.parse(gateway.system("GET", "/system/calls/" + id, null).body()).path("status").asText();
    }

    /** Writes until the tmpfs refuses. */
    private static void fill(Path filler) {
        var chunk = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // no space left, as wanted
        }
    }
}
