package dev.jfaas.store;

import java.util.Map;

/** A namespace functions and secrets live in. */
public record Namespace(String name, Map<String, String> labels, Map<String, String> annotations) {

    public Namespace {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
