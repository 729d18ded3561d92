package dev.jfaas.gateway.entry;

import dev.jfaas.function.FunctionName;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A call's target as written in its URL: {@code PREFIX name[.namespace][/path]}.
 *
 * @param qualified {@code name} or {@code name.namespace}, not yet validated
 * @param path what the function sees as its path, "/" at least
 */
record FunctionPath(String qualified, String path) {

    /** Names already validated: the same few names come on every call, so the regex runs once each. */
    private static final Map<String, FunctionName> PARSED = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED = 10_000;

    static FunctionPath of(String requestPath, String prefix) {
        var rest = requestPath.substring(prefix.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? new FunctionPath(rest, "/") : new FunctionPath(rest.substring(0, slash), rest.substring(slash));
    }

    /** The validated name. @throws dev.jfaas.function.RequestRejected if no function can have it */
    FunctionName function() {
        var name = PARSED.get(qualified);
        if (name == null) {
            name = FunctionName.parse(qualified, null);
            if (PARSED.size() < MAX_REMEMBERED) {
                PARSED.put(qualified, name);
            }
        }
        return name;
    }
}
