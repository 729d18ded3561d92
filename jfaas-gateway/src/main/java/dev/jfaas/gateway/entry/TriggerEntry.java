package dev.jfaas.gateway.entry;

import dev.jfaas.function.FunctionName;
import dev.jfaas.gateway.http.HeaderNames;
import dev.jfaas.gateway.invoke.Enqueue;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.CallIds;
import dev.jfaas.invoke.Cancellation;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Pipeline;
import dev.jfaas.triggers.EventIntake;
import dev.jfaas.triggers.TriggerEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The edge for trigger events (broker messages and schedules): each becomes a POST to the
 * function's root with the event's headers and body, handed to the accept chain exactly as an
 * HTTP accept is, on one of the gateway's event loops.
 */
public final class TriggerEntry implements EventIntake {

    private final Pipeline accept;
    private final Context context;

    /** @param accept the trigger accept chain (InvokePipeline.trigger) */
    public TriggerEntry(Vertx vertx, Pipeline accept) {
        this.accept = accept;
        this.context = vertx.getOrCreateContext();
    }

    @Override
    public CompletionStage<Answer> accept(FunctionName function, TriggerEvent event) {
        var answer = new CompletableFuture<Answer>();
        context.runOnContext(v -> {
            long startNanos = ForwardedHeaders.nowNanos();
            var callId = CallIds.next();
            var headers = MultiMap.caseInsensitiveMultiMap();
            event.headers().forEach(header -> headers.add(header.name(), header.value()));
            if (event.idempotencyKey() != null) {
                headers.set("X-Idempotency-Key", event.idempotencyKey());
            }
            headers.set(HeaderNames.CALL_ID, callId);
            headers.set(HeaderNames.START_TIME, Long.toString(startNanos));
            var call = new Invocation(callId, function, HttpMethod.POST, "/", "", headers,
                    event.body().length == 0 ? new Body.Empty() : new Body.Bytes(Buffer.buffer(event.body())), startNanos, null,
                    new Cancellation());
            accept.run(call).onComplete(done -> answer.complete(answerOf(done)));
        });
        return answer;
    }

    static Answer answerOf(AsyncResult<InvocationResult> done) {
        if (done.failed()) {
            return new Answer.Unavailable(String.valueOf(done.cause().getMessage()));
        }
        var result = done.result();
        return switch (result.status()) {
            case 202 -> new Answer.Stored(result.headers().get(HeaderNames.CALL_ID),
                    "true".equals(result.headers().get(Enqueue.REPLAYED)));
            case 404 -> new Answer.NoFunction();
            case 503 -> new Answer.Unavailable(text(result));
            default -> new Answer.Refused(result.status() + " " + text(result));
        };
    }

    private static String text(InvocationResult result) {
        return result.body() instanceof Body.Bytes bytes ? bytes.buffer().toString().strip() : "";
    }
}
