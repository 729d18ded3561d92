package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
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
            scale(gateway, "premade", 0);
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
            // not made again while the function has a replica (a relay keeps the command line it was held with)
            assertThat(heldSpawner(script).filter(pid -> pid != held)).isEmpty();

            scale(gateway, "premade", 0);
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

    /**
     * A server on the host's network is told its port when its sandbox is made, and the port could be
     * taken by the time a call comes: it gets none. And the gateway holds no more than it is allowed.
     */
    @Test
    void noneForAServerOnTheHostsNetworkAndNoMoreThanTheLimit() {
        var suffix = UUID.randomUUID().toString().substring(0, 6);
        try (var gateway = TestGateway.start(Map.of("JFAAS_SANDBOX_PREMADE", "1", "JFAAS_ALLOW_HOST_NETWORK", "true"))) {
            var onHost = Functions.httpEcho("on-host-" + suffix, Map.of());
            onHost.put("annotations", Map.of("com.jfaas.network", "host"));
            var first = Functions.forking("first-" + suffix, "cat");
            var second = Functions.forking("second-" + suffix, "cat");
            for (var deployment : List.of(onHost, first, second)) {
                deployment.put("labels", Map.of("com.openfaas.scale.zero", "true", "com.openfaas.scale.zero-duration", "1h"));
                gateway.deploy(deployment);
                var name = (String) deployment.get("service");
                assertThat(gateway.call("POST", "/function/" + name, "x").statusCode()).isLessThan(300);
                scale(gateway, name, 0);
            }
            // the forking function scaled to zero first holds the gateway's one
            var held = await().atMost(Duration.ofSeconds(20)).until(() -> spawnersOf("first-" + suffix),
                    pids -> pids.size() == 1 && heldSpawners().anyMatch(p -> p.pid() == pids.get(0)));
            // the others' replicas end and nothing is made for them
            await().atMost(Duration.ofSeconds(20)).until(() -> spawnersOf("second-" + suffix).isEmpty()
                    && spawnersOf("on-host-" + suffix).isEmpty());
            // and serves the first call from it: its spawner (with the managers it forks for calls), no other
            assertThat(gateway.call("POST", "/function/first-" + suffix, "again").body()).isEqualTo("again");
            var spawners = spawnersOf("first-" + suffix);
            assertThat(spawners.stream().filter(pid -> !spawners.contains(ProcessHandle.of(pid)
                    .flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L)))).containsExactlyElementsOf(held);
        }
    }

    private static void scale(TestGateway gateway, String name, int replicas) {
        assertThat(gateway.system("POST", "/system/scale-function/" + name,
                Map.of("serviceName", name, "replicas", replicas)).statusCode()).isEqualTo(202);
    }

    /** The held spawner of the function whose program runs {@code script}. */
    private static Optional<Long> heldSpawner(String script) {
        return heldSpawners().filter(p -> Arrays.asList(p.info().arguments().orElse(new String[0])).contains(script))
                .map(ProcessHandle::pid).findFirst();
    }

    /**
     * The spawners of the function named {@code name}, held or not (in its environment: other tests'
     * gateways have theirs; a spawner that serves forked calls keeps the command line it was held with).
     */
    private static List<Long> spawnersOf(String name) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/jfaas-spawner")).orElse(false))
                .filter(p -> {
                    try {
                        var environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")));
                        return Arrays.asList(environ.split("\0")).contains("function_name=" + name);
                    } catch (java.io.IOException gone) {
                        return false;
                    }
                }).map(ProcessHandle::pid).sorted().toList();
    }

    private static java.util.stream.Stream<ProcessHandle> heldSpawners() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/jfaas-spawner")).orElse(false))
                .filter(p -> {
                    var args = p.info().arguments().orElse(new String[0]);
                    return args.length > 0 && args[0].equals("--held");
                });
    }

    /** The function's program: python running {@code script}. */
    private static List<ProcessHandle> programs(String script) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.contains("python3")).orElse(false))
                .filter(p -> Arrays.asList(p.info().arguments().orElse(new String[0])).contains(script))
                .toList();
    }
}
