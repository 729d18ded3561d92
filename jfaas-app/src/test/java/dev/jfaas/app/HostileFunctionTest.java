package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.images.TestImages;
import dev.jfaas.sandbox.network.OutsideWorld;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The attacks of issue 30, run as an attacker would: shell scripts sent to a deployed function of
 * every kind (serializing, streaming, http, a forking OCI image, an image with its own watchdog),
 * which run them inside its sandbox. Each attack must fail, and the victim (an http function that
 * requires the gateway's credentials and holds a secret) must keep working.
 */
class HostileFunctionTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    /** Where an attacker's script runs: each kind reads it from the request body and runs it with sh. */
    enum Kind {
        SERIALIZING, STREAMING, HTTP, IMAGE, WATCHDOG_IMAGE;

        String function() {
            return "attack-" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        boolean forks() {
            return this == SERIALIZING || this == STREAMING || this == IMAGE;
        }
    }

    /** nc as busybox has it (the images' only nc, and on the host with busybox-static). */
    static final String PROBE = """
            if command -v busybox >/dev/null 2>&1; then NC="busybox nc"; else NC=nc; fi
            probe() {
              out=$(printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' | $NC -w 2 "$1" "$2" 2>&1)
              case "$out" in *HTTP/*|*hello*|*outside*) echo "REACHED $1:$2";; *) echo "blocked $1:$2";; esac
            }
            """;

    static final String ATTACK_SERVER = """
            import http.server, os, subprocess
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_POST(self):
                    script = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    out = subprocess.run(["sh"], input=script, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
            """;

    static final String VICTIM_SERVER = """
            import http.server, os, subprocess
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_GET(self):
                    if self.path == "/whoami":
                        words = subprocess.run(["ip", "-4", "-o", "addr", "show", "eth0"], capture_output=True, text=True).stdout.split()
                        out = words[words.index("inet") + 1].split("/")[0].encode()
                    else:
                        out = open("/var/openfaas/secrets/victim-token", "rb").read()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
            """;

    /** The host's own services: one on loopback only (as Redis, NATS, PostgreSQL here), one on every address. */
    static ServerSocket loopbackService;
    static ServerSocket everywhereService;

    @BeforeAll
    static void deploy() throws Exception {
        loopbackService = serve(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        everywhereService = serve(new ServerSocket(0));
        gateway.system("POST", "/system/secrets", Map.of("name", "victim-token", "value", "the-victims-secret"));
        var victim = Functions.inDirectory("victim", "python3 -u server.py", Map.of("mode", "http"), Map.of("server.py", VICTIM_SERVER));
        victim.put("secrets", List.of("victim-token"));
        victim.put("annotations", Map.of("com.jfaas.auth", "basic"));
        gateway.deploy(victim);

        gateway.deploy(Functions.forking(Kind.SERIALIZING.function(), "sh"));
        gateway.deploy(Functions.forking(Kind.STREAMING.function(), "sh", Map.of("mode", "streaming")));
        gateway.deploy(Functions.inDirectory(Kind.HTTP.function(), "python3 -u server.py", Map.of("mode", "http"),
                Map.of("server.py", ATTACK_SERVER)));
        var work = Files.createTempDirectory("jfaas-hostile");
        var forking = new TestImages.Spec("example.com/attacker:1", Map.of(), List.of(), List.of(), Map.of("fprocess", "sh"),
                "/home/app", "100:101");
        upload(TestImages.archive(work, forking, "oci-archive"));
        gateway.deploy(new HashMap<>(Map.of("service", Kind.IMAGE.function(), "image", "example.com/attacker:1")));
        var watched = new TestImages.Spec("example.com/attacker-watched:1", Map.of("/usr/bin/fwatchdog", ImageFunctionTest.WATCHDOG,
                "/usr/bin/fwatchdog-request", ImageFunctionTest.WATCHDOG_REQUEST), List.of("fwatchdog"), List.of(),
                Map.of("fprocess", "sh"), "/home/app", "100:101");
        upload(TestImages.archive(work, watched, "docker-archive"));
        gateway.deploy(new HashMap<>(Map.of("service", Kind.WATCHDOG_IMAGE.function(), "image", "example.com/attacker-watched:1")));
    }

    @AfterAll
    static void closeServices() throws IOException {
        loopbackService.close();
        everywhereService.close();
    }

    private static ServerSocket serve(ServerSocket server) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (var socket = server.accept()) {
                    socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed
                }
            }
        });
        return server;
    }

    private static void upload(Path archive) throws Exception {
        var request = HttpRequest.newBuilder(gateway.uri("/system/images"))
                .header("Authorization", TestGateway.basic(TestGateway.USER, TestGateway.PASSWORD))
                .POST(HttpRequest.BodyPublishers.ofFile(archive)).build();
        var response = gateway.http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    /** Runs a script in the attacker's sandbox and answers what it printed. */
    private static String attack(Kind kind, String script, String... headers) {
        var response = gateway.call("POST", "/function/" + kind.function(), script, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static String victimAddress() {
        var whoami = gateway.system("GET", "/function/victim/whoami", null);
        assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
        return whoami.body().strip();
    }

    private static void victimStillWorks() {
        assertThat(gateway.call("GET", "/function/victim/secret", null).statusCode()).isEqualTo(401);
        assertThat(gateway.system("GET", "/function/victim/secret", null).body()).isEqualTo("the-victims-secret");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nothingOfTheHostNorAnotherReplicaIsReachableFromAFunction(Kind kind) {
        var victim = victimAddress();
        var out = attack(kind, PROBE
                + "gw=$(ip route | grep default | cut -d' ' -f3)\n"
                + "probe 127.0.0.1 " + gateway.port() + "\n"
                + "probe 127.0.0.1 " + loopbackService.getLocalPort() + "\n"
                + "probe 127.0.0.1 6379\n"
                + "probe \"$gw\" " + gateway.port() + "\n"
                + "probe \"$gw\" " + everywhereService.getLocalPort() + "\n"
                + "probe " + victim + " 8080\n"
                + "echo gateway=$gw\n");
        assertThat(out).doesNotContain("REACHED").contains("blocked " + victim + ":8080").containsPattern("gateway=10\\.");
        victimStillWorks();
    }

    @Test
    void egressReachesTheOutsideWorldUnlessTheFunctionHasNone() throws Exception {
        try (var outside = OutsideWorld.create()) {
            var script = PROBE + "probe " + outside.address() + " " + OutsideWorld.port() + "\n";
            for (var kind : Kind.values()) {
                assertThat(attack(kind, script)).as(kind.name()).contains("REACHED " + outside.address());
            }
            var isolated = Functions.forking("no-network", "sh");
            isolated.put("annotations", Map.of("com.jfaas.network", "none"));
            gateway.deploy(isolated);
            assertThat(gateway.call("POST", "/function/no-network", script + "ip route | wc -l\n").body())
                    .contains("blocked " + outside.address()).endsWith("1\n");
        }
    }

    @Test
    void aCallbackCannotBeAimedAtAReplicaOrTheHostsOwnServices() {
        // The gateway posts callbacks as root, from the host: they must not reach what only it reaches.
        for (var target : List.of("http://" + victimAddress() + ":8080/from-callback", "http://127.0.0.1:"
                + loopbackService.getLocalPort() + "/", "http://localhost:" + gateway.port() + "/system/functions")) {
            var refused = gateway.call("POST", "/async-function/" + Kind.SERIALIZING.function(), "echo x\n", "X-Callback-Url", target);
            assertThat(refused.statusCode()).as(target).isEqualTo(400);
            assertThat(refused.body()).contains("is refused");
        }
        // A name is checked once resolved: the machine's own name is the machine (loopback or its own address).
        String self;
        try {
            self = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            self = "localhost.";
        }
        var accepted = gateway.call("POST", "/async-function/" + Kind.SERIALIZING.function(), "echo x\n",
                "X-Callback-Url", "http://" + self + ":" + loopbackService.getLocalPort() + "/");
        assertThat(accepted.statusCode()).isEqualTo(202);
        var id = accepted.headers().firstValue("X-Call-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(TestGateway.parse(
                gateway.system("GET", "/system/calls/" + id, null).body()).path("callbackStatus").asText()).startsWith("refused"));
        victimStillWorks();
    }

    @Test
    void theHostsNetworkIsOnlyForWhatTheOperatorAllows() {
        var host = Functions.forking("on-host", "sh");
        host.put("annotations", Map.of("com.jfaas.network", "host"));
        var refused = gateway.system("POST", "/system/functions", host);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("JFAAS_ALLOW_HOST_NETWORK=true");
        host.put("annotations", Map.of("com.jfaas.network", "bridge"));
        assertThat(gateway.system("POST", "/system/functions", host).body()).contains("use none, egress or host");
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"SERIALIZING", "STREAMING", "IMAGE"})
    void theGatewaysWayIntoASandboxCannotBeTurnedToAnotherFunction(Kind kind) {
        var before = attack(kind, "id -u\n");
        // What the attack did before: replace the spawner's socket with a link to a neighbour's.
        var out = attack(kind, "ls -A /run/jfaas; for p in /proc/[0-9]*; do ls $p/root/run/jfaas 2>/dev/null; done | sort -u\n"
                + "ln -sf /proc/1/root/run/jfaas/jfaas-spawner /run/jfaas/spawner.sock 2>&1; "
                + "rm -f /run/jfaas/jfaas-spawner 2>&1 || echo cannot-remove\n");
        assertThat(out).startsWith("jfaas-spawner\n").doesNotContain("spawner.sock\n");
        for (int i = 0; i < 3; i++) {
            var after = attack(kind, "id -u; cat /var/openfaas/secrets/* 2>/dev/null; echo\n");
            assertThat(after).startsWith(before).doesNotContain("the-victims-secret");
        }
        victimStillWorks();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFunctionRunsUnderTheFilterWithSharedMemoryOfItsOwnCapped(Kind kind) {
        var out = attack(kind, "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status\n"
                // bwrap's init, pid 1, runs under no filter: whatever could trace it could run code there
                + "cat /proc/1/environ >/dev/null 2>&1 && echo PID1-READABLE || echo pid1-out-of-reach\n"
                + "head -c 104857600 /dev/zero > /dev/shm/fill 2>/dev/null && echo SHM-UNBOUNDED || echo shm-capped\n"
                + "rm -f /dev/shm/fill\n");
        assertThat(out).containsPattern("Seccomp:\\s+2").containsPattern("NoNewPrivs:\\s+1").contains("shm-capped", "pid1-out-of-reach");
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"SERIALIZING", "STREAMING", "IMAGE"})
    void aCallSeesNothingOfAnotherCallAndLeavesNothingRunning(Kind kind) {
        var neighbour = CompletableFuture.supplyAsync(() -> attack(kind, "echo started; sleep 3.141; echo done\n",
                "Authorization", "Basic bmVpZ2hib3VyOnNlY3JldA==", "Cookie", "session=neighbours-cookie"));
        await().atMost(Duration.ofSeconds(10)).until(() -> running("3.141"));
        var snoop = attack(kind, "cat /proc/*/environ 2>/dev/null | tr '\\000' '\\n' | grep -c -e bmVpZ2hib3Vy -e neighbours-cookie; "
                + "kill -9 -1 2>/dev/null; echo still-here\n");
        assertThat(snoop).isEqualTo("0\nstill-here\n");
        assertThat(neighbour.join()).as("the neighbour survived kill -9 -1").isEqualTo("started\ndone\n");
        attack(kind, "sleep 4242 &\necho left-behind\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> !running("4242"));
    }

    /** Whether a sleep of these seconds runs anywhere on the host (as root, the test sees every namespace). */
    private static boolean running(String seconds) {
        return ProcessHandle.allProcesses().anyMatch(p -> java.util.Arrays.asList(p.info().arguments().orElse(new String[0]))
                .equals(List.of(seconds)));
    }

    @Test
    void aFunctionWithoutLimitsHasTheDefaultMemoryLimitAndIsKilledPastIt() {
        assertThat(gateway.describe(Kind.SERIALIZING.function()).path("limits").path("memory").asText()).isEqualTo("256Mi");
        var hog = gateway.call("POST", "/function/" + Kind.SERIALIZING.function(),
                "python3 -c 'x = bytearray(512 << 20); print(len(x))'\n");
        assertThat(hog.statusCode()).isEqualTo(500);
        assertThat(hog.body()).contains("memory limit");
        assertThat(attack(Kind.SERIALIZING, "echo alive\n")).isEqualTo("alive\n");
    }

    @Test
    void twoGatewaysOnOneHostGiveTheirFunctionsDifferentUids() {
        try (var second = TestGateway.start()) {
            second.deploy(Functions.forking("who", "id -u"));
            gateway.deploy(Functions.forking("who", "id -u"));
            var here = Integer.parseInt(gateway.call("POST", "/function/who", "").body().strip());
            var there = Integer.parseInt(second.call("POST", "/function/who", "").body().strip());
            assertThat(here / 65536).as("each gateway's block of 65536 uids").isNotEqualTo(there / 65536);
        }
    }
}
