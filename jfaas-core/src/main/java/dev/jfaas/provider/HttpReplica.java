package dev.jfaas.provider;

import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;

/**
 * A replica that serves HTTP at {@code host:port}, or through a Unix socket when it has a network
 * of its own ({@code socket}, relayed to its port inside); the gateway proxies calls to it.
 */
public final class HttpReplica extends Replica {

    private final String host;
    private final int port;
    private final Path socket;
    // Made once, not per call: each call is sent to them (an address and a string per call were
    // ~150 bytes of the gateway's allocation per sync call).
    private final SocketAddress address;
    private final String authority;

    public HttpReplica(String instance, String host, int port) {
        this(instance, host, port, null);
    }

    public HttpReplica(String instance, String host, int port, Path socket) {
        super(instance);
        this.host = host;
        this.port = port;
        this.socket = socket;
        this.address = socket != null ? SocketAddress.domainSocketAddress(socket.toString())
                : SocketAddress.inetSocketAddress(port, host);
        this.authority = host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The Unix socket to connect to instead of host:port, or null. */
    public Path socket() {
        return socket;
    }

    /** Where to connect: the Unix socket if it has one, else host and port. */
    public SocketAddress address() {
        return address;
    }

    /** {@code host:port}, the Host header of the requests sent to it. */
    public String authority() {
        return authority;
    }
}
