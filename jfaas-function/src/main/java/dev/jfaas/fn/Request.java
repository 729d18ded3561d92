package dev.jfaas.fn;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One call as the function sees it: the method, the path below the function's name, the query
 * (each name with all its values), the headers and the whole body. Immutable, so a handler can be
 * tested by building one ({@link #of}).
 */
public record Request(String method, String path, Map<String, List<String>> query, Headers headers, byte[] body) {

    public Request {
        query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
        body = body.clone();
    }

    /** A request for tests and tools: a method, a path with an optional query, and a body. */
    public static Request of(String method, String pathAndQuery, byte[] body, Map<String, List<String>> headers) {
        int q = pathAndQuery.indexOf('?');
        var path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        var query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        return new Request(method, path.isEmpty() ? "/" : path, parseQuery(query), Headers.of(headers), body);
    }

    public static Request of(String method, String pathAndQuery, String body) {
        return of(method, pathAndQuery, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        var values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    public String header(String name) {
        return headers.first(name);
    }

    public String contentType() {
        return headers.first("Content-Type");
    }

    /** The call's id, as the gateway gives it ({@code X-Call-Id}). */
    public String callId() {
        return headers.first("X-Call-Id");
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body as text, in the charset its Content-Type names (UTF-8 when it names none). */
    public String text() {
        return new String(body, charset());
    }

    private Charset charset() {
        var type = contentType();
        if (type != null) {
            for (var part : type.split(";")) {
                var p = part.strip();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(p.substring(8).replace("\"", ""));
                    } catch (RuntimeException e) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    static Map<String, List<String>> parseQuery(String raw) {
        var out = new LinkedHashMap<String, List<String>>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (var pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            var name = decode(eq < 0 ? pair : pair.substring(0, eq));
            var value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return out;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
