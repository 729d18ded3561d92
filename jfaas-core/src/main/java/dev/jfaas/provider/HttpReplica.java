package dev.jfaas.provider;

/** A replica that serves HTTP at {@code host:port}; the gateway proxies calls to it. */
public final class HttpReplica extends Replica {

    private final String host;
    private final int port;

    public HttpReplica(String instance, String host, int port) {
        super(instance);
        this.host = host;
        this.port = port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }
}
