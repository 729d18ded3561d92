package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A function at zero keeps a sandbox made ahead (JFAAS_SANDBOX_PREMADE) whose program waits in the
 * spawner for the first call: nothing of the function runs until then, the call's replica is that
 * sandbox, and a new deployment or the function's removal drops it. Watched from the host, by the
 * processes' command lines.
 */
class PremadeSandboxTest {

    @Test
    void aFunctionAtZeroKeepsASandboxWhoseProgramStartsWithTheFirstCall() {
        var script = "premade-" + UUID.randomUUID().toString().substring(0, 8) + ".py";
        try (var gateway = TestGateway.start()) {
            var deployment = Functions.inDirectory("premade", "python3 -u " + script, Map.of("mode", "http"),
                    Map.of(script, Functions.ECHO_SERVER));
            // at zero only when told: the autoscaler leaves it there for an hour
            deployment.put("labels", Map.of("com.openfaas.scale.zero", "true", "com.openfaas.scale.zero-duration", "1h"));
            gateway.deploy(deployment);
            var warm = gateway.call("POST", "/function/premade", "warm");
            assertThat(warm.statusCode()).as(warm.body()).isEqualTo(201); // the echo server's answer to a POST
            scale(gateway, 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> programs(script).isEmpty());
            long held = await().atMost(Duration.ofSeconds(20)).until(() -> heldSpawner(script), Optional::isPresent).get();
            assertThat(programs(script)).as("the program waits for the first call").isEmpty();

            var response = gateway.call("POST", "/function/premade", "first");
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.body()).contains("\"body\": \"first\"");
            // The program runs in the sandbox made ahead: the spawner became it, or relays to it.
            var program = programs(script);
            assertThat(program).hasSize(1);
            assertThat(List.of(program.get(0).pid(), program.get(0).parent().map(ProcessHandle::pid).orElse(-1L))).contains(held);
            assertThat(heldSpawner(script)).as("not made again while the function has a replica").isEmpty();

            scale(gateway, 0);
            long second = await().atMost(Duration.ofSeconds(20)).until(() -> heldSpawner(script), Optional::isPresent).get();
            assertThat(second).isNotEqualTo(held);
            // A new deployment drops it (its program would be the old one's).
            deployment.put("envVars", Map.of("mode", "http", "version", "2"));
            assertThat(gateway.system("PUT", "/system/functions", deployment).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false),
                    alive -> !alive);

            assertThat(gateway.system("DELETE", "/system/functions", Map.of("functionName", "premade")).statusCode())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> heldSpawner(script).isEmpty() && programs(script).isEmpty());
        }
    }

    private static void scale(TestGateway gateway, int replicas) {
        assertThat(gateway.system("POST", "/system/scale-function/premade",
                Map.of("serviceName", "premade", "replicas", replicas)).statusCode()).isEqualTo(202);
    }

    /** The held spawner of the function whose program runs {@code script}. */
    private static Optional<Long> heldSpawner(String script) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/jfaas-spawner")).orElse(false))
                .filter(p -> {
                    var args = Arrays.asList(p.info().arguments().orElse(new String[0]));
                    return !args.isEmpty() && args.get(0).equals("--held") && args.contains(script);
                })
                .map(ProcessHandle::pid).findFirst();
    }

    /** The function's program: python running {@code script}. */
    private static List<ProcessHandle> programs(String script) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.contains("python3")).orElse(false))
                .filter(p -> Arrays.asList(p.info().arguments().orElse(new String[0])).contains(script))
                .toList();
    }
}
