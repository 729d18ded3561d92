package dev.jfaas.provider;

import java.nio.file.Path;

/**
 * A replica that serves HTTP at {@code host:port}, or through a Unix socket when it has a network
 * of its own ({@code socket}, relayed to its port inside); the gateway proxies calls to it.
 */
public final class HttpReplica extends Replica {

    private final String host;
    private final int port;
    private final Path socket;

    public HttpReplica(String instance, String host, int port) {
        this(instance, host, port, null);
    }

    public HttpReplica(String instance, String host, int port, Path socket) {
        super(instance);
        this.host = host;
        this.port = port;
        this.socket = socket;
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
}
