package dev.jfaas.gateway.invoke;

import io.vertx.core.MultiMap;
import java.util.Set;

/** Headers that describe one connection, not the message, and so are never passed on by a proxy (RFC 9110 §7.6.1). */
public final class HopByHop {

    private static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");

    private HopByHop() {}

    /** Removes hop-by-hop headers, including any the Connection header names, in place. */
    public static MultiMap strip(MultiMap headers) {
        var connection = headers.get("Connection");
        if (connection != null) {
            for (var token : connection.split(",")) {
                headers.remove(token.strip());
            }
        }
        for (var name : NAMES) {
            headers.remove(name);
        }
        return headers;
    }
}
