package dev.jfaas.gateway.invoke;

import dev.jfaas.function.RequestRejected;
import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.CallIds;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallbackPolicy;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.QueuedCall;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The end of the accept chain: an async call, resolved and authorized, is stored as what the
 * stages before left of it (so nothing Authorize removed is ever stored) and answered 202 with its
 * id once it is durable; 503 with {@code Retry-After} if the queue cannot take it. Its body is read
 * here, whole and bounded, only once the call has been let in.
 */
public final class Enqueue implements Stage {

    /**
     * On a 202 for a call found stored already under its {@code X-Idempotency-Key}: nothing new was
     * stored (the name Stripe's API uses for the same answer).
     */
    public static final String REPLAYED = "Idempotent-Replayed";

    /** Headers about how the caller wanted the call made, not about the call. */
    private static final Set<String> EDGE_HEADERS = Set.of("prefer", "x-invoke-mode");

    private final CallQueue queue;
    private final long maxBodySize;
    private final Consumer<String> wakeWorker;
    private final CallbackPolicy callbacks;

    /**
     * @param wakeWorker tells a local worker of the queue that a call is waiting in it
     * @param callbacks  where callbacks may point: a URL it refuses from its host alone is a 400
     */
    public Enqueue(CallQueue queue, long maxBodySize, Consumer<String> wakeWorker, CallbackPolicy callbacks) {
        this.queue = queue;
        this.maxBodySize = maxBodySize;
        this.wakeWorker = wakeWorker;
        this.callbacks = callbacks;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        String callbackUrl;
        int priority;
        try {
            callbackUrl = callbackUrl(call.headers().get("X-Callback-Url"));
            priority = priority(call.headers().get("X-Priority"));
        } catch (RequestRejected e) {
            return Future.succeededFuture(InvocationResult.internal(e.status(), "accept", e.getMessage()));
        }
        var notThere = callbackUrl == null ? null : callbacks.refusal(URI.create(callbackUrl));
        if (notThere != null) {
            return Future.succeededFuture(InvocationResult.internal(400, "accept", notThere));
        }
        var context = Vertx.currentContext();
        return readWhole(call.body()).compose(body -> {
            var headers = new ArrayList<Header>();
            call.headers().forEach(h -> {
                if (!EDGE_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    headers.add(new Header(h.getKey(), h.getValue()));
                }
            });
            var fn = call.target();
            var queueName = fn.deployment().annotations().getOrDefault(QueuedCall.QUEUE_ANNOTATION, QueuedCall.DEFAULT_QUEUE);
            var queued = new QueuedCall(call.callId(), fn.name(), queueName, priority, call.method().name(), call.path(),
                    call.query(), headers, body.getBytes(), callbackUrl, call.headers().get("X-Idempotency-Key"), Instant.now(),
                    fn.retryPolicy().maxAttempts());
            return store(queued, context).transform(stored -> {
                if (stored.failed()) {
                    var refused = InvocationResult.internal(503, "queue", "the queue cannot take the call now: "
                            + stored.cause().getMessage());
                    refused.headers().set("Retry-After", "5");
                    return Future.succeededFuture(refused);
                }
                wakeWorker.accept(queueName);
                var accepted = InvocationResult.of(202, io.vertx.core.MultiMap.caseInsensitiveMultiMap(), Body.EMPTY);
                accepted.headers().set("X-Call-Id", stored.result().callId()).set("Location", "/system/calls/" + stored.result().callId());
                if (stored.result().kind() == Accepted.Kind.IDEMPOTENT_REPEAT) {
                    accepted.headers().set(REPLAYED, "true");
                }
                return Future.succeededFuture(accepted);
            });
        }, failure -> Future.succeededFuture(failure instanceof TooLarge ? tooLarge(maxBodySize)
                : InvocationResult.internal(400, "accept", "the request body did not arrive: " + failure.getMessage())));
    }

    /** A body over the async limit: 413, whether its length was declared or found out while reading it. */
    public static InvocationResult tooLarge(long maxBodySize) {
        return InvocationResult.internal(413, "limits", "request body is larger than " + maxBodySize
                + " bytes, the most an async call may carry (JFAAS_MAX_ASYNC_BODY_SIZE)");
    }

    /** Stores the call; a caller's id that is taken already gives way to a fresh one. */
    private Future<Accepted> store(QueuedCall call, Context context) {
        return here(queue.enqueue(call), context).compose(accepted -> accepted.kind() == Accepted.Kind.ID_TAKEN
                ? store(call.withCallId(CallIds.next()), context)
                : Future.succeededFuture(accepted));
    }

    private Future<Buffer> readWhole(Body body) {
        return switch (body) {
            case Body.Empty empty -> Future.succeededFuture(Buffer.buffer());
            case Body.Bytes bytes -> bytes.buffer().length() > maxBodySize ? Future.failedFuture(new TooLarge())
                    : Future.succeededFuture(bytes.buffer());
            case Body.Stream stream -> {
                Promise<Buffer> done = Promise.promise();
                var whole = Buffer.buffer();
                stream.stream().handler(chunk -> {
                    if (whole.length() + chunk.length() > maxBodySize) {
                        if (done.tryFail(new TooLarge())) {
                            stream.cancel().run();
                        }
                        return;
                    }
                    whole.appendBuffer(chunk);
                });
                stream.stream().exceptionHandler(done::tryFail);
                stream.stream().endHandler(v -> done.tryComplete(whole));
                stream.stream().resume();
                yield done.future();
            }
        };
    }

    /** A body over the async limit: unlike a caller that went away, it gets an answer. */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("too large", null, false, false);
        }
    }

    private static <T> Future<T> here(CompletionStage<T> stage, Context context) {
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }

    static String callbackUrl(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            var uri = new URI(header.strip());
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri.toString();
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid X-Callback-Url \"" + header + "\": use an absolute http or https URL");
    }

    static int priority(String header) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(header.strip());
            if (value >= 0 && value <= 9) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw RequestRejected.invalid("invalid X-Priority \"" + header + "\": use 0 (default) to 9 (first)");
    }
}
