package dev.jfaas.sandbox.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.sandbox.FunctionSpace;
import dev.jfaas.sandbox.Launch;
import dev.jfaas.sandbox.Limits;
import dev.jfaas.sandbox.Program;
import dev.jfaas.sandbox.Sandbox;
import dev.jfaas.sandbox.SandboxSettings;
import dev.jfaas.sandbox.SandboxedProcess;
import dev.jfaas.sandbox.View;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replicas in networks of their own, with the real launcher, bwrap and nftables: what they can
 * reach (the outside world, with egress) and what they cannot (the host, its loopback services,
 * each other), and that the gateway reaches their servers, bound to loopback or not.
 */
class ReplicaNetworkTest {

    static Sandbox sandbox;
    static FunctionSpace space;
    final List<SandboxedProcess> started = new ArrayList<>();

    @BeforeAll
    static void open() throws IOException {
        Assumptions.assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0 && Files.isExecutable(Path.of("/usr/sbin/nft")),
                "links need a gateway that is root and nftables (CI has both)");
        var root = Files.createTempDirectory("jfaas-network-test");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        sandbox = Sandbox.open(SandboxSettings.from(dev.jfaas.settings.Settings.of(Map.of("JFAAS_SANDBOX_RUNTIME", root.resolve("run").toString()))));
        space = sandbox.space();
    }

    @AfterAll
    static void close() {
        if (sandbox != null) {
            space.close();
            sandbox.close();
        }
    }

    @AfterEach
    void stop() {
        started.forEach(SandboxedProcess::kill);
    }

    @Test
    void aReplicaReachesNeitherTheHostsLoopbackNorAnyAddressOfTheHost() throws Exception {
        try (var onLoopback = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); var everywhere = new ServerSocket(0)) {
            var out = run(NetworkMode.EGRESS, "import socket, subprocess\n"
                    + "gateway = subprocess.run(['ip', 'route'], capture_output=True, text=True).stdout.split()[2]\n"
                    + "for host, port in (('127.0.0.1', " + onLoopback.getLocalPort() + "), (gateway, " + everywhere.getLocalPort() + ")):\n"
                    + "    try:\n"
                    + "        socket.create_connection((host, port), 1); print('reached', port)\n"
                    + "    except OSError as e:\n"
                    + "        print('refused', port, type(e).__name__)\n");
            assertThat(out).contains("refused " + onLoopback.getLocalPort(), "refused " + everywhere.getLocalPort()).doesNotContain("reached");
        }
    }

    @Test
    void theGatewayReachesAServerBoundToLoopbackInsideButAnotherReplicaDoesNot() throws Exception {
        var server = start(NetworkMode.NONE, new Program.Server(List.of("python3", "-c",
                "import http.server as h; h.HTTPServer(('127.0.0.1', 8080), h.SimpleHTTPRequestHandler).serve_forever()"), 8080));
        var address = server.address().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> connects(address, 8080));
        var out = run(NetworkMode.EGRESS, "import socket\n"
                + "try:\n    socket.create_connection(('" + address + "', 8080), 1); print('reached')\n"
                + "except OSError as e:\n    print('refused', type(e).__name__)\n");
        assertThat(out).startsWith("refused");
        // Nor any user of the host but the gateway's (root): no way around the gateway's com.jfaas.auth.
        var nobody = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                "import socket\ntry:\n    socket.create_connection(('" + address + "', 8080), 2); print('reached')\n"
                        + "except OSError as e:\n    print('refused', type(e).__name__)\n").redirectErrorStream(true).start();
        assertThat(new String(nobody.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("refused");
        assertThat(connects(address, 8080)).isTrue();
    }

    @Test
    void egressReachesTheOutsideWorldAndNoneReachesNothing() throws Exception {
        try (var outside = OutsideWorld.create()) {
            var script = "import socket\n"
                    + "try:\n    print(socket.create_connection(('" + outside.address() + "', " + OutsideWorld.port() + "), 2).recv(64).decode().strip())\n"
                    + "except OSError as e:\n    print('unreachable', type(e).__name__)\n";
            assertThat(run(NetworkMode.EGRESS, script)).isEqualTo("outside\n");
            assertThat(run(NetworkMode.NONE, script)).startsWith("unreachable");
        }
    }

    @Test
    void sharedMemoryIsItsOwnAndCapped() throws Exception {
        var out = run(NetworkMode.NONE, "import os\n"
                + "try:\n    open('/dev/shm/big', 'wb').write(b'x' * (100 << 20)); print('wrote 100 MiB')\n"
                + "except OSError as e:\n    print('refused', e.strerror)\n"
                + "print(os.statvfs('/dev/shm').f_blocks * os.statvfs('/dev/shm').f_frsize >> 20, 'MiB')\n");
        assertThat(out).isEqualTo("refused No space left on device\n64 MiB\n");
    }

    @Test
    void withoutLinksAReplicaHasLoopbackOnlyAndItsServerIsReachedThroughTheRelay() throws Exception {
        var root = Files.createTempDirectory("jfaas-network-test");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        try (var linkless = Sandbox.open(SandboxSettings.from(dev.jfaas.settings.Settings.of(Map.of("JFAAS_SANDBOX_RUNTIME", root.resolve("run").toString(),
                "JFAAS_SANDBOX_NETWORK", "none")))); var own = linkless.space()) {
            assertThat(linkless.report().network()).contains("loopback only", "JFAAS_SANDBOX_NETWORK=none");
            var server = linkless.start(own, new Launch("relayed-" + System.nanoTime(), new Program.Server(List.of("python3", "-c",
                    "import http.server as h; h.HTTPServer(('127.0.0.1', 8080), h.SimpleHTTPRequestHandler).serve_forever()"), 8080),
                    Map.of(), new View.Host(null, false), new Limits(256L << 20, 0, 64), NetworkMode.EGRESS));
            started.add(server);
            assertThat(server.address()).isEmpty();
            var relay = server.controlSocket().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> statusThrough(relay).startsWith("HTTP/1.0 200"));
        }
    }

    private static String statusThrough(Path relay) {
        try (var channel = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.connect(java.net.UnixDomainSocketAddress.of(relay));
            channel.write(java.nio.ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            var answer = java.nio.ByteBuffer.allocate(32);
            while (answer.hasRemaining() && channel.read(answer) > 0) {
                // the status line is enough
            }
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    private SandboxedProcess start(NetworkMode network, Program program) throws IOException {
        var replica = sandbox.start(space, new Launch("net-" + System.nanoTime(), program, Map.of(), new View.Host(null, false),
                new Limits(256L << 20, 0, 64), network));
        started.add(replica);
        replica.process().getOutputStream().close();
        return replica;
    }

    /** Runs a Python script in a replica of its own and answers what it printed. */
    private String run(NetworkMode network, String script) throws Exception {
        var replica = start(network, new Program.Command(List.of("python3", "-c", script)));
        var out = new String(replica.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var err = new String(replica.process().getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(replica.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(replica.process().exitValue()).as(err).isZero();
        return out;
    }

    private static boolean connects(String host, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
