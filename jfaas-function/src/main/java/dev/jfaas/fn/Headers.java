package dev.jfaas.fn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** HTTP headers: names without regard to case, each with its values in order. Immutable. */
public final class Headers {

    private final Map<String, List<String>> values;

    private Headers(Map<String, List<String>> values) {
        this.values = values;
    }

    public static Headers of(Map<String, List<String>> raw) {
        var sorted = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
        raw.forEach((name, list) -> {
            if (name != null) {
                sorted.computeIfAbsent(name, n -> new ArrayList<>()).addAll(list);
            }
        });
        sorted.replaceAll((name, list) -> List.copyOf(list));
        return new Headers(Collections.unmodifiableMap(sorted));
    }

    /** The first value of {@code name}, or null. */
    public String first(String name) {
        var list = values.get(name);
        return list == null || list.isEmpty() ? null : list.getFirst();
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** Names as they came, lower-cased. */
    public List<String> names() {
        return values.keySet().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    public Map<String, List<String>> asMap() {
        return values;
    }
}
