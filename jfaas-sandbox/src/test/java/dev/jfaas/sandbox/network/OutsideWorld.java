package dev.jfaas.sandbox.network;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * "The outside world" for egress tests: a network namespace the test makes itself, linked to the
 * host by a veth pair in 198.18.0.0/15 (the range set aside for benchmarks), with a TCP server in
 * it that answers "outside" to every connection. Removed on close.
 */
public final class OutsideWorld implements AutoCloseable {

    private final String namespace;
    private final String link;
    private final String address;
    private final Process server;

    private OutsideWorld(String namespace, String link, String address, Process server) {
        this.namespace = namespace;
        this.link = link;
        this.address = address;
        this.server = server;
    }

    public static OutsideWorld create() throws IOException, InterruptedException {
        int n = ThreadLocalRandom.current().nextInt(1, 1 << 14);
        var namespace = "jfaas-outside-" + n;
        var link = "jto" + Integer.toHexString(n);
        var base = (198 << 24) | (18 << 16) | (n << 2);
        var host = text(base + 1);
        var address = text(base + 2);
        run("ip", "netns", "add", namespace);
        run("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        run("ip", "addr", "add", host + "/30", "dev", link);
        run("ip", "link", "set", link, "up");
        run("ip", "-n", namespace, "addr", "add", address + "/30", "dev", "eth0");
        run("ip", "-n", namespace, "link", "set", "eth0", "up");
        run("ip", "-n", namespace, "link", "set", "lo", "up");
        run("ip", "-n", namespace, "route", "add", "default", "via", host);
        var server = new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-c", """
                import socket
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("0.0.0.0", 7000)); s.listen(64); print("ready", flush=True)
                while True:
                    c, _ = s.accept(); c.sendall(b"outside\\n"); c.close()
                """).redirectErrorStream(true).start();
        var ready = new String(server.getInputStream().readNBytes(6));
        if (!ready.equals("ready\n")) {
            server.destroyForcibly();
            throw new IOException("the outside world's server did not start: " + ready);
        }
        return new OutsideWorld(namespace, link, address, server);
    }

    /** Where its server listens: port 7000 at this address. */
    public String address() {
        return address;
    }

    public static int port() {
        return 7000;
    }

    private static String text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 255) + "." + (address >>> 8 & 255) + "." + (address & 255);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    @Override
    public void close() throws Exception {
        server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        var failures = new ArrayList<String>();
        for (var command : List.of(List.of("ip", "link", "del", link), List.of("ip", "netns", "del", namespace))) {
            try {
                run(command.toArray(String[]::new));
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException(String.join("; ", failures));
        }
    }
}
