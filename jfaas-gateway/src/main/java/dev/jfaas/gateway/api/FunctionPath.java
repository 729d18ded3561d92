package dev.jfaas.gateway.api;

/**
 * A call's target as written in its URL: {@code PREFIX name[.namespace][/path]}.
 *
 * @param qualified {@code name} or {@code name.namespace}, not yet validated
 * @param path what the function sees as its path, "/" at least
 */
record FunctionPath(String qualified, String path) {

    static FunctionPath of(String requestPath, String prefix) {
        var rest = requestPath.substring(prefix.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? new FunctionPath(rest, "/") : new FunctionPath(rest.substring(0, slash), rest.substring(slash));
    }
}
