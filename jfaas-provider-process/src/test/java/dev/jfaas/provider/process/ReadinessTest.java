package dev.jfaas.provider.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** When a replica's server counts as ready: over TCP, and through a relay that accepts before its server does. */
class ReadinessTest {

    @Test
    void aPortThatAcceptsIsReadyUnlessItsReadyPathAnswersOtherThan200() throws Exception {
        try (var server = answering(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), "HTTP/1.1 503 Service Unavailable")) {
            assertThat(Readiness.ready("127.0.0.1", server.getLocalPort(), "")).isTrue();
            assertThat(Readiness.ready("127.0.0.1", server.getLocalPort(), "/_/health")).isFalse();
        }
        try (var server = answering(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), "HTTP/1.1 200 OK")) {
            assertThat(Readiness.ready("127.0.0.1", server.getLocalPort(), "/_/health")).isTrue();
        }
        int closed;
        try (var gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closed = gone.getLocalPort();
        }
        assertThat(Readiness.ready("127.0.0.1", closed, "")).isFalse();
    }

    @Test
    void throughARelayOnlyAnHttpAnswerCounts() throws Exception {
        var dir = Files.createTempDirectory("jfaas-relay");
        var path = dir.resolve("relay");
        try (var relay = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            relay.bind(UnixDomainSocketAddress.of(path));
            // A relay whose server is not up yet: it accepts, then hangs up without a word.
            var silent = Thread.ofVirtual().start(() -> {
                try (var accepted = relay.accept()) {
                    accepted.read(ByteBuffer.allocate(256));
                } catch (IOException ignored) {
                    // closed
                }
            });
            assertThat(Readiness.ready(path, "")).isFalse();
            silent.join();
            var answering = Thread.ofVirtual().start(() -> {
                try (var accepted = relay.accept()) {
                    accepted.read(ByteBuffer.allocate(256));
                    accepted.write(ByteBuffer.wrap("HTTP/1.0 404 Not Found\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException ignored) {
                    // closed
                }
            });
            assertThat(Readiness.ready(path, "")).as("any HTTP answer from /").isTrue();
            answering.join();
        }
    }

    /** Answers every connection with a status line and closes it. */
    private static ServerSocket answering(ServerSocket server, String status) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (var socket = server.accept()) {
                    socket.getInputStream().read(new byte[256]);
                    socket.getOutputStream().write((status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed
                }
            }
        });
        return server;
    }
}
