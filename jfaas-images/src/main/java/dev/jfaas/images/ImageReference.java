package dev.jfaas.images;

import java.util.Locale;

/**
 * An image name as Docker and OpenFaaS write it, in its full form: {@code busybox} is
 * {@code docker.io/library/busybox:latest}, {@code ghcr.io/team/fn} is {@code ghcr.io/team/fn:latest};
 * a digest ({@code @sha256:...}) is kept as given.
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    public static ImageReference parse(String text) {
        if (text == null || text.isBlank() || text.length() > 512 || text.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\')) {
            throw new IllegalArgumentException("invalid image name \"" + text + "\"");
        }
        var rest = text.strip();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!digest.matches("sha256:[0-9a-f]{64}")) {
                throw new IllegalArgumentException("invalid image digest \"" + digest + "\" in " + text);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = "docker.io";
        int slash = rest.indexOf('/');
        if (slash > 0) {
            var first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        if (registry.equals("docker.io") && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (rest.isEmpty() || !rest.equals(rest.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("invalid image name \"" + text + "\": repositories are lower case");
        }
        return new ImageReference(registry, rest, tag == null && digest == null ? "latest" : tag, digest);
    }

    /** The full name, as the store keeps it. */
    public String canonical() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** Whether a registry on this machine is meant, which is spoken to over plain HTTP. */
    public boolean local() {
        var host = registry.contains(":") ? registry.substring(0, registry.lastIndexOf(':')) : registry;
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    @Override
    public String toString() {
        return canonical();
    }
}
