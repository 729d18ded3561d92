package dev.jfaas.fn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A function's answer: status, headers and body. Immutable; each method returns a changed copy. */
public record Response(int status, Map<String, List<String>> headers, byte[] body) {

    public Response {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not an HTTP status");
        }
        var copy = new LinkedHashMap<String, List<String>>();
        headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        headers = java.util.Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    public static Response ok(String text) {
        return new Response(200, Map.of("Content-Type", List.of("text/plain; charset=utf-8")), text.getBytes(StandardCharsets.UTF_8));
    }

    public static Response ok(byte[] bytes) {
        return new Response(200, Map.of("Content-Type", List.of("application/octet-stream")), bytes);
    }

    /** JSON already written as text (the jfaas-function-json artifact writes it from records). */
    public static Response json(String json) {
        return new Response(200, Map.of("Content-Type", List.of("application/json")), json.getBytes(StandardCharsets.UTF_8));
    }

    /** An answer with no body. */
    public static Response empty(int status) {
        return new Response(status, Map.of(), new byte[0]);
    }

    public Response status(int code) {
        return new Response(code, headers, body);
    }

    /** Adds a value to a header (a second call adds a second value). */
    public Response header(String name, String value) {
        var next = new LinkedHashMap<String, List<String>>(headers);
        var values = new ArrayList<>(next.getOrDefault(name, List.of()));
        values.add(value);
        next.put(name, values);
        return new Response(status, next, body);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
