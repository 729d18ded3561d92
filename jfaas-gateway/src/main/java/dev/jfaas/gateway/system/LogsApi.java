package dev.jfaas.gateway.system;

import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.http.RequestBodies;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.provider.LogLine;
import dev.jfaas.provider.LogQuery;
import dev.jfaas.provider.Provider;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /system/logs}: a function's log lines as NDJSON, one object per line, each line
 * flushed as written; with {@code follow=true} the stream stays open until the client leaves.
 */
public final class LogsApi {

    private final Provider provider;

    public LogsApi(Provider provider) {
        this.provider = provider;
    }

    public void mount(Router router) {
        router.get("/system/logs").handler(this::logs);
    }

    private void logs(RoutingContext ctx) {
        LogQuery query;
        boolean follow;
        try {
            var name = single(ctx, "name");
            if (name == null || name.isEmpty()) {
                throw RequestRejected.invalid("name is required: the function whose logs to read");
            }
            var function = FunctionName.parse(name, RequestBodies.namespace(ctx));
            if (provider.status(function).isEmpty()) {
                throw RequestRejected.notFound("function " + function + " not found");
            }
            query = new LogQuery(function, tail(single(ctx, "tail")), since(single(ctx, "since")), single(ctx, "instance"));
            follow = "true".equalsIgnoreCase(single(ctx, "follow"));
        } catch (RequestRejected e) {
            Replies.fail(ctx, e);
            return;
        }
        var response = ctx.response().setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "application/x-ndjson");
        for (var line : provider.logs().read(query)) {
            write(response, line);
        }
        if (!follow) {
            response.end();
            return;
        }
        response.write(""); // sends the head now, so the client knows the stream is open
        var context = ctx.vertx().getOrCreateContext();
        var follower = new LogFollower(context, response, LogsApi::encode);
        var handle = provider.logs().follow(query, follower, () -> context.runOnContext(v -> follower.end()));
        response.closeHandler(v -> closeQuietly(handle));
        response.endHandler(v -> closeQuietly(handle));
    }

    private static void write(HttpServerResponse response, LogLine line) {
        response.write(encode(line));
    }

    private static String encode(LogLine line) {
        try {
            return Replies.JSON.writeValueAsString(Map.of(
                    "name", line.name(),
                    "namespace", line.namespace(),
                    "instance", line.instance(),
                    "timestamp", line.timestamp().toString(),
                    "text", line.text())) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a log line is always encodable", e);
        }
    }

    private static String single(RoutingContext ctx, String key) {
        List<String> values = ctx.queryParam(key);
        return values.isEmpty() ? null : values.getFirst();
    }

    private static int tail(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= -1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid tail \"" + text + "\": use a whole number of lines");
    }

    private static Instant since(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw RequestRejected.invalid("invalid since \"" + text + "\": use an RFC 3339 time like 2024-01-31T12:00:00Z");
        }
    }

    private static void closeQuietly(AutoCloseable handle) {
        try {
            handle.close();
        } catch (Exception ignored) {
            // unsubscribing cannot fail in a way worth reporting
        }
    }
}
