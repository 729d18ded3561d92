package dev.jfaas.gateway.invoke;

import dev.jfaas.gateway.http.Framing;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Reads a call's request body to its end before the call asks for a slot or a replica, as nginx's
 * {@code proxy_request_buffering}: a caller sending its body slowly holds its own connection
 * (bounded by JFAAS_BODY_TIMEOUT), not one of the function's admission slots nor a replica's
 * capacity — 500 callers sending a byte every few seconds had held all of a function's slots, and
 * every other caller waited behind them. Where the body is held: {@link ReceivedBodies}. It is let
 * go when the answer is over (the replica has taken the body by then, or never will).
 */
public final class Receive implements Stage {

    public static final String STAGE = "receive";

    private final Vertx vertx;
    private final ReceivedBodies bodies;

    public Receive(Vertx vertx, ReceivedBodies bodies) {
        this.vertx = vertx;
        this.bodies = bodies;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        if (!(call.body() instanceof Body.Stream stream)) {
            return next.proceed(call);
        }
        var collector = new BodyCollector(vertx, bodies, stream.stream(), declaredLength(call));
        var received = collector.collect(call.cancellation());
        if (received.isComplete()) {
            // The usual body came with its head and is in already: on at once, no future between.
            return proceed(call, next, stream, received);
        }
        return received.transform(whole -> proceed(call, next, stream, whole));
    }

    private static Future<InvocationResult> proceed(Invocation call, Chain next, Body.Stream stream,
            AsyncResult<BodyCollector.Held> received) {
        if (received.failed()) {
            stream.cancel().run();
            return Future.succeededFuture(refused(received.cause()));
        }
        var held = received.result();
        try {
            return next.proceed(call.withBody(held.body())).transform(done -> {
                if (done.failed()) {
                    held.release().run();
                    return Future.failedFuture(done.cause());
                }
                return Future.succeededFuture(releasedAtEnd(done.result(), held));
            });
        } catch (RuntimeException e) { // a stage that threw (or answered null): the body is let go all the same
            held.release().run();
            return Future.failedFuture(e);
        }
    }

    /** The answer, with the body let go once it is over: at once when it is whole. */
    private static InvocationResult releasedAtEnd(InvocationResult result, BodyCollector.Held held) {
        if (!(result.body() instanceof Body.Stream answer)) {
            held.release().run();
            return result;
        }
        var watched = new Body.Stream(new EndWatch(answer.stream(), held.release()), () -> {
            answer.cancel().run();
            held.release().run();
        });
        return InvocationResult.of(result.status(), result.headers(), watched);
    }

    private static InvocationResult refused(Throwable cause) {
        return switch (cause) {
            case BodyCollector.SpoolFull full -> retryLater(full.getMessage());
            case BodyCollector.Cancelled cancelled -> InvocationResult.internal(408, STAGE, cancelled.getMessage());
            case io.vertx.core.file.FileSystemException disk -> retryLater("cannot hold the request body: " + disk.getMessage());
            case java.io.IOException disk -> retryLater("cannot hold the request body: " + disk.getMessage());
            default -> InvocationResult.internal(400, STAGE, "request body not received: " + cause.getMessage());
        };
    }

    private static InvocationResult retryLater(String message) {
        var result = InvocationResult.internal(503, STAGE, message);
        result.headers().set("Retry-After", "1");
        return result;
    }

    private static long declaredLength(Invocation call) {
        var length = call.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        return length == null ? 0 : Framing.contentLength(length);
    }
}
