package dev.jfaas.gateway.invoke;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Set;

/**
 * Headers that describe one connection, not the message, and so are never passed on by a proxy
 * (RFC 9110 §7.6.1), plus any the Connection header names. Copying skips them in one pass, which
 * is cheaper on the hot path than copying everything and removing them after.
 */
public final class HopByHop {

    private static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection");

    private HopByHop() {}

    /** Adds to {@code to} every header of {@code from} that is end-to-end, leaving out {@code alsoSkip}. */
    public static MultiMap copyEndToEnd(MultiMap from, MultiMap to, String alsoSkip) {
        var connection = from.get("Connection");
        for (var header : from) {
            var name = header.getKey();
            if (isHopByHop(name) || name.equalsIgnoreCase(alsoSkip)
                    || (connection != null && listed(connection, name))) {
                continue;
            }
            to.add(name, header.getValue());
        }
        return to;
    }

    static boolean isHopByHop(String name) {
        // Cheap length filter first: every hop-by-hop name is 2 to 19 characters long.
        int length = name.length();
        return length >= 2 && length <= 19 && NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    private static boolean listed(String connection, String name) {
        for (var token : connection.split(",")) {
            if (token.strip().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
