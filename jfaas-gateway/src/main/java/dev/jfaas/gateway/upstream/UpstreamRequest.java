package dev.jfaas.gateway.upstream;

import dev.jfaas.invoke.Body;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;

/**
 * A request to a replica: end-to-end headers only (the caller's hop-by-hop ones already dropped),
 * to {@code address} (host and port, or a Unix socket), with {@code host} as its Host header.
 */
public record UpstreamRequest(HttpMethod method, String uri, MultiMap headers, Body body, SocketAddress address,
        String host) {}
