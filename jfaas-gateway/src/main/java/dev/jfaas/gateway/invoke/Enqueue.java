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
    private final HeldBodies held;

    /**
     * @param wakeWorker tells a local worker of the queue that a call is waiting in it
     * @param callbacks  where callbacks may point: a URL it refuses from its host alone is a 400
     * @param held       the bytes of bodies every entry holds at once, shared: past it, 503
     */
    public Enqueue(CallQueue queue, long maxBodySize, Consumer<String> wakeWorker, CallbackPolicy callbacks, HeldBodies held) {
        this.queue = queue;
        this.maxBodySize = maxBodySize;
        this.wakeWorker = wakeWorker;
        this.callbacks = callbacks;
        this.held = held;
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
        var reserved = new long[1]; // what this call holds of the budget, given back once it is stored or refused
        return readWhole(call.body(), declaredLength(call), reserved).compose(body -> {
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
                held.release(reserved[0]);
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
        }, failure -> {
            held.release(reserved[0]);
            return Future.succeededFuture(switch (failure) {
                case TooLarge large -> tooLarge(maxBodySize);
                case Busy busy -> busy();
                default -> InvocationResult.internal(400, "accept", "the request body did not arrive: " + failure.getMessage());
            });
        });
    }

    /** The gateway holds as many async bodies as its budget allows: come back in a moment. */
    private static InvocationResult busy() {
        var result = InvocationResult.internal(503, "limits", "the gateway holds as many async call bodies as its memory "
                + "allows now: try again shortly");
        result.headers().set("Retry-After", "1");
        return result;
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

    /** The body's declared length when it is one the async limit allows, else 0: what to make room for at once. */
    private int declaredLength(Invocation call) {
        var length = call.headers().get("Content-Length");
        long declared = length == null ? 0 : dev.jfaas.gateway.http.Framing.contentLength(length);
        return declared > 0 && declared <= maxBodySize ? (int) Math.min(declared, Integer.MAX_VALUE - 8) : 0;
    }

    private Future<Buffer> readWhole(Body body, int expected, long[] reserved) {
        return switch (body) {
            case Body.Empty empty -> Future.succeededFuture(Buffer.buffer());
            case Body.Bytes bytes -> {
                if (bytes.buffer().length() > maxBodySize) {
                    yield Future.failedFuture(new TooLarge());
                }
                long cost = (long) HeldBodies.COPIES * bytes.buffer().length();
                if (!held.reserve(cost)) {
                    yield Future.failedFuture(new Busy());
                }
                reserved[0] = cost;
                yield Future.succeededFuture(bytes.buffer());
            }
            case Body.Stream stream -> {
                Promise<Buffer> done = Promise.promise();
                // A declared length is reserved whole, before any room is made for it (no copies
                // while it grows); a body of unknown length is reserved as it comes.
                if (expected > 0) {
                    long cost = (long) HeldBodies.COPIES * expected;
                    if (!held.reserve(cost)) {
                        // read and dropped, so the caller can read the 503: a client that sends its
                        // whole body before reading an answer got a reset connection instead
                        stream.stream().handler(chunk -> {}).exceptionHandler(e -> {}).endHandler(v -> {}).resume();
                        yield Future.failedFuture(new Busy());
                    }
                    reserved[0] = cost;
                }
                var whole = expected > 0 ? Buffer.buffer(expected) : Buffer.buffer();
                stream.stream().handler(chunk -> {
                    if (done.future().isComplete()) {
                        return;
                    }
                    if (whole.length() + chunk.length() > maxBodySize) {
                        if (done.tryFail(new TooLarge())) {
                            stream.cancel().run();
                        }
                        return;
                    }
                    // what of this chunk lies past what was reserved already
                    long beyond = whole.length() + chunk.length() - Math.max(expected, whole.length());
                    long cost = (long) HeldBodies.COPIES * Math.max(0, beyond);
                    if (cost > 0 && !held.reserve(cost)) {
                        if (done.tryFail(new Busy())) {
                            stream.cancel().run();
                        }
                        return;
                    }
                    reserved[0] += cost;
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

    /** The gateway's budget for held bodies is spent: an answer too, a 503. */
    private static final class Busy extends RuntimeException {
        Busy() {
            super("busy", null, false, false);
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
