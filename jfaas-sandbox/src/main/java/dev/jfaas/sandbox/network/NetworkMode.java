package dev.jfaas.sandbox.network;

import java.util.Locale;
import java.util.Map;

/**
 * What network a function's replicas get, from its annotation {@value #ANNOTATION}: a network
 * namespace of their own with loopback only ({@code none}), the same with a route to the outside
 * world ({@code egress}, the default), or the host's own network ({@code host}, only where the
 * operator allows it with {@code JFAAS_ALLOW_HOST_NETWORK=true}). In every namespace of their own,
 * nothing of the host (its loopback, its addresses) nor any other replica is reachable, and calls
 * come in from the gateway only.
 */
public enum NetworkMode {
    NONE, EGRESS, HOST;

    public static final String ANNOTATION = "com.jfaas.network";

    /** @throws IllegalArgumentException naming the annotation and the values it takes */
    public static NetworkMode of(Map<String, String> annotations) {
        var text = annotations.get(ANNOTATION);
        if (text == null || text.isBlank()) {
            return EGRESS;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "egress" -> EGRESS;
            case "host" -> HOST;
            default -> throw new IllegalArgumentException("invalid " + ANNOTATION + " \"" + text + "\": use none, egress or host");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
