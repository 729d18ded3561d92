package dev.jfaas.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import java.time.Instant;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.QueueUnavailable;
import io.netty.util.AsciiString;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the API writes answers: JSON for data, and errors as short plain text the way OpenFaaS
 * sends them (faas-cli prints them as they are), or {@code {"error": "..."}} for callers that
 * accept JSON.
 */
public final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);
    /**
     * Instants (the only java.time type the API carries) as ISO-8601 text, with the time module's
     * own (de)serializer; registering the whole module loaded ~70 classes into every gateway.
     */
    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule("instants")
                    .addSerializer(Instant.class, InstantSerializer.INSTANCE)
                    .addDeserializer(Instant.class, InstantDeserializer.INSTANT))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Replies() {}

    public static void json(RoutingContext ctx, int status, Object value) {
        if (gone(ctx.response())) {
            return;
        }
        String text;
        try {
            text = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            log.error("cannot encode the answer to {} {}", ctx.request().method(), ctx.request().path(), e);
            error(ctx.request(), 500, "internal error: cannot encode the answer");
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
    }

    public static void text(RoutingContext ctx, int status, String message) {
        if (gone(ctx.response())) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
    }

    public static void error(HttpServerRequest request, int status, String message) {
        HttpServerResponse response = request.response();
        if (gone(response)) {
            return;
        }
        var accept = request.getHeader("Accept");
        response.setStatusCode(status);
        if (accept != null && accept.contains("application/json")) {
            response.putHeader("Content-Type", "application/json");
            try {
                response.end(JSON.writeValueAsString(Map.of("error", message)));
            } catch (JsonProcessingException e) {
                response.end("{\"error\":\"internal error\"}");
            }
        } else {
            response.putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
        }
    }

    /** Answered already, or the caller went away: writing would only throw. */
    private static boolean gone(HttpServerResponse response) {
        return response.ended() || response.closed();
    }

    /** Turns a failure into the right status: the caller's mistakes are 4xx, only ours are 500. */
    /** A JSON type as people name it (never a Java class: {@code java.util.LinkedHashMap} helps nobody). */
    static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        return "an object";
    }

    public static void fail(RoutingContext ctx, Throwable failure) {
        switch (failure) {
            case RequestRejected r -> error(ctx.request(), r.status(), r.getMessage());
            case dev.jfaas.images.ImageException i -> error(ctx.request(), i.status(), i.getMessage());
            case UnrecognizedPropertyException u -> error(ctx.request(), 400, "unknown field \"" + u.getPropertyName()
                    + "\"; known fields: " + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")));
            case InvalidFormatException f -> error(ctx.request(), 400, "invalid value " + f.getValue() + " for field "
                    + fieldPath(f) + ": expected " + expected(f.getTargetType()));
            case MismatchedInputException m -> error(ctx.request(), 400, "invalid JSON for field " + fieldPath(m)
                    + ": expected " + expected(m.getTargetType()));
            case JsonProcessingException j -> error(ctx.request(), 400, "invalid JSON: " + j.getOriginalMessage());
            case dev.jfaas.health.StorageFull full -> error(ctx.request(), 507, full.getMessage());
            case QueueUnavailable q -> {
                ctx.response().putHeader("Retry-After", "5");
                error(ctx.request(), 503, q.getMessage());
            }
            case CompletionException c when c.getCause() != null -> fail(ctx, c.getCause());
            default -> {
                log.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
                error(ctx.request(), 500, "internal error: " + failure.getMessage());
            }
        }
    }

    private static String fieldPath(MismatchedInputException e) {
        var path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "(body)" : "\"" + path + "\"";
    }

    /**
     * An answer the accept chain made: an error of jfaas's as {@link #error} sends one (plain text,
     * or JSON when asked for), with the stage's headers (X-Jfaas-Internal, WWW-Authenticate,
     * Retry-After); anything else as it is, with no body.
     */
    public static void result(HttpServerRequest request, dev.jfaas.invoke.InvocationResult result) {
        var response = request.response();
        if (gone(response)) {
            return;
        }
        result.headers().forEach(h -> {
            if (!h.getKey().equalsIgnoreCase("Content-Type") && !h.getKey().equalsIgnoreCase("Content-Length")) {
                response.headers().add(h.getKey(), h.getValue());
            }
        });
        if (result.isInternal()) {
            var message = result.body() instanceof dev.jfaas.invoke.Body.Bytes bytes ? bytes.buffer().toString() : "";
            error(request, result.status(), message);
        } else {
            response.setStatusCode(result.status()).end();
        }
    }

    /** A stored call response, as the function gave it, with the call's id and duration. */
    public static void callResponse(HttpServerResponse out, String callId, CallResponse response) {
        out.setStatusCode(response.status());
        response.headers().forEach(h -> {
            if (!h.name().equalsIgnoreCase("Content-Length") && !h.name().equalsIgnoreCase("Transfer-Encoding")) {
                out.headers().add(h.name(), h.value());
            }
        });
        out.putHeader("X-Call-Id", callId)
                .putHeader("X-Duration-Seconds", seconds((long) (response.durationSeconds() * 1e9)));
        if (response.truncated()) {
            out.putHeader("X-Jfaas-Result-Truncated", "true");
        }
        out.end(Buffer.buffer(response.body()));
    }

    /**
     * Seconds with microsecond precision, e.g. "0.001234", as ASCII bytes: written on every answer,
     * so one small array wrapped as it is (header values of this kind encode by copying bytes), not
     * String.format's cost or the three Strings of a concatenation.
     */
    public static AsciiString seconds(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        long whole = micros / 1_000_000;
        int wholeDigits = whole == 0 ? 1 : (int) Math.log10(whole) + 1;
        var bytes = new byte[wholeDigits + 7];
        long rest = micros % 1_000_000;
        for (int i = bytes.length - 1; i > wholeDigits; i--, rest /= 10) {
            bytes[i] = (byte) ('0' + rest % 10);
        }
        bytes[wholeDigits] = '.';
        for (int i = wholeDigits - 1; i >= 0; i--, whole /= 10) {
            bytes[i] = (byte) ('0' + whole % 10);
        }
        return new AsciiString(bytes, false);
    }
}
