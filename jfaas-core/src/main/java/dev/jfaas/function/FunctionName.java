package dev.jfaas.function;

/** A function's identity: a DNS-1123 label name inside a namespace. Cannot hold an invalid name. */
public record FunctionName(String name, String namespace) {

    public static final String DEFAULT_NAMESPACE = "openfaas-fn";
    private static final int MAX_LENGTH = 63;

    public FunctionName {
        requireLabel("function name", name);
        requireLabel("namespace", namespace);
    }

    /** Parses {@code name} or {@code name.namespace}, splitting at the last dot as OpenFaaS does. */
    public static FunctionName parse(String qualified, String defaultNamespace) {
        int dot = qualified.lastIndexOf('.');
        if (dot < 0) {
            return new FunctionName(qualified, orDefault(defaultNamespace));
        }
        return new FunctionName(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    public static FunctionName of(String name, String namespace) {
        return new FunctionName(name, orDefault(namespace));
    }

    public static String orDefault(String namespace) {
        return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
    }

    /** Checks a DNS-1123 label (function, secret and namespace names share the rule). */
    public static void requireLabel(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw RequestRejected.invalid(what + " is required");
        }
        if (value.length() > MAX_LENGTH || !isLabel(value)) {
            throw RequestRejected.invalid("invalid " + what + " \"" + value
                    + "\": use lowercase letters, digits and '-', start and end with a letter or digit, at most "
                    + MAX_LENGTH + " characters");
        }
    }

    /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}, checked by a loop: names are made on every call's path. */
    private static boolean isLabel(String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && (c != '-' || i == 0 || i == n - 1)) {
                return false;
            }
        }
        return n > 0;
    }

    /** {@code name.namespace}, the form used in URLs and metric labels. */
    public String qualified() {
        return name + "." + namespace;
    }

    @Override
    public String toString() {
        return qualified();
    }
}
