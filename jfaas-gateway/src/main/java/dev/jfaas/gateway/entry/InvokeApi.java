package dev.jfaas.gateway.entry;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.gateway.http.Framing;
import dev.jfaas.gateway.http.HeaderNames;
import dev.jfaas.gateway.http.LimitedReadStream;
import dev.jfaas.gateway.http.Replies;
import dev.jfaas.gateway.invoke.HopByHop;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.CallIds;
import dev.jfaas.invoke.Cancellation;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Pipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous edge: {@code ANY /function/{name}[.{ns}][/{path}]}. Turns the HTTP exchange
 * into an {@link Invocation}, runs the pipeline, and streams the result back with the call's
 * {@code X-Call-Id}, {@code X-Start-Time} and {@code X-Duration-Seconds}.
 */
public final class InvokeApi implements Handler<HttpServerRequest> {

    public static final String PREFIX = "/function/";
    private static final Logger log = LoggerFactory.getLogger(InvokeApi.class);

    private final Pipeline pipeline;
    private final AsyncInvokeApi async;
    private final long maxBodySize;

    public InvokeApi(Pipeline pipeline, AsyncInvokeApi async, long maxBodySize) {
        this.pipeline = pipeline;
        this.async = async;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (AsyncInvokeApi.asksForAsync(request)) {
            async.accept(request, PREFIX);
            return;
        }
        long startNanos = ForwardedHeaders.nowNanos();
        long started = System.nanoTime();
        var target = FunctionPath.of(request.path(), PREFIX);
        var qualified = target.qualified();
        var path = target.path();
        FunctionName function;
        try {
            function = target.function();
        } catch (RequestRejected e) {
            reject(request, 404, "resolve", "error finding function " + qualified);
            return;
        }
        var length = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null && Framing.contentLength(length) > maxBodySize) {
            reject(request, 413, "limits", "request body is larger than max_body_size " + maxBodySize + " bytes");
            return;
        }
        var callId = request.getHeader(HeaderNames.CALL_ID);
        if (callId == null || callId.isBlank()) {
            callId = CallIds.next();
        }
        var body = bodyOf(request, length);
        var startTime = Long.toString(startNanos);
        var headers = ForwardedHeaders.of(request, callId, startTime);
        var cancellation = new Cancellation();
        // A caller that goes away mid-call stops the work done for it (upstream request, process).
        request.response().closeHandler(v -> cancellation.cancel());
        var call = new Invocation(callId, function, request.method(), path, queryOf(request), headers,
                body, startNanos, null, cancellation);
        var id = callId;
        pipeline.run(call).onComplete(done -> {
            if (done.succeeded()) {
                respond(request, done.result(), id, startTime, started);
            } else {
                log.error("call {} to {} failed inside the gateway", id, function, done.cause());
                respond(request, InvocationResult.internal(500, "gateway", "internal error: " + done.cause().getMessage()),
                        id, startTime, started);
            }
        });
    }

    private Body bodyOf(HttpServerRequest request, String length) {
        boolean chunked = request.getHeader(HttpHeaderNames.TRANSFER_ENCODING) != null;
        if (!chunked && (length == null || "0".equals(length.strip()))) {
            return Body.EMPTY; // nothing to hold back: not paused (a pause makes Vert.x a queue per request)
        }
        // Held back until a stage reads it: its chunks come after this handler returns, so pausing
        // here, before any stage has run, loses none.
        request.pause();
        // A declared length was checked already and goes as it is; a chunked body is counted as it comes.
        return new Body.Stream(chunked ? new LimitedReadStream(request, maxBodySize) : request);
    }

    private static void respond(HttpServerRequest request, InvocationResult result, String callId, String startTime, long started) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            cancel(result.body());
            return;
        }
        response.setStatusCode(result.status());
        // The function's headers, less hop-by-hop ones: they described its connection, not ours.
        HopByHop.copyEndToEnd(result.headers(), response.headers(), null);
        response.headers().set(HeaderNames.CALL_ID, callId);
        response.headers().set(HeaderNames.START_TIME, startTime);
        response.headers().set(HeaderNames.DURATION, Replies.seconds(System.nanoTime() - started));
        switch (result.body()) {
            case Body.Empty e -> response.end();
            case Body.Bytes b -> {
                response.headers().remove("Content-Length");
                response.end(b.buffer());
            }
            case Body.Stream s -> {
                if (request.method().name().equals("HEAD") || result.status() == 204 || result.status() == 304) {
                    cancel(s);
                    response.end();
                } else {
                    response.send(s.stream()).onFailure(x -> s.cancel().run());
                }
            }
        }
        if (!request.isEnded()) {
            request.resume(); // drain a body no stage consumed, so the connection stays usable
        }
    }

    private static void reject(HttpServerRequest request, int status, String stage, String message) {
        request.response().putHeader(InvocationResult.INTERNAL_HEADER, stage);
        Replies.error(request, status, message);
        request.resume();
    }

    private static void cancel(Body body) {
        if (body instanceof Body.Stream s) {
            s.cancel().run();
        }
    }

    private static String queryOf(HttpServerRequest request) {
        var query = request.query();
        return query == null ? "" : query;
    }

}
