package dev.jfaas.provider.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Whether a replica's server is ready: its port accepts a connection, or it answers HTTP (a 200
 * when a ready path is set). Each probe is one short connection; a refused one costs microseconds,
 * so the supervisor may ask every millisecond.
 */
final class Readiness {

    private Readiness() {}

    /** Over TCP at {@code host:port}: accepting, or a 200 from {@code readyPath} when one is set. */
    static boolean ready(String host, int port, String readyPath) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            if (readyPath.isEmpty()) {
                return true;
            }
            socket.setSoTimeout(1000);
            return status(socket.getOutputStream(), socket.getInputStream(), readyPath) == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Through a relay's Unix socket, which accepts before the server inside does: any HTTP answer
     * (from {@code /}), or a 200 from {@code readyPath} when one is set.
     */
    static boolean ready(Path relay, String readyPath) {
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(relay));
            int status = status(Channels.newOutputStream(channel), Channels.newInputStream(channel),
                    readyPath.isEmpty() ? "/" : readyPath);
            return readyPath.isEmpty() ? status > 0 : status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** The status of a GET, or -1 when the answer is not HTTP. */
    private static int status(OutputStream out, InputStream in, String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        var line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && line.length() < 256) {
            line.append((char) c);
        }
        var parts = line.toString().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
