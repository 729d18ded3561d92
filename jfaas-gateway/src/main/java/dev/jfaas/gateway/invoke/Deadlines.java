package dev.jfaas.gateway.invoke;

import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.Invocation;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.invoke.Stage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code read_timeout} and {@code write_timeout}, as the of-watchdog's HTTP server applies them: the
 * request body must have arrived within read_timeout of the call's start (else 408), the answer
 * must be written within write_timeout (else 504, or the stream is cut if it had begun). Both
 * bound the call less than exec_timeout only when shorter, so a timer is set only then: the
 * default function (30 s each) pays for none.
 */
public final class Deadlines implements Stage {

    private final Vertx vertx;

    public Deadlines(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Future<InvocationResult> apply(Invocation call, Chain next) {
        var watchdog = call.target().watchdog();
        var exec = watchdog.execTimeout();
        boolean read = watchdog.readTimeout().compareTo(exec) < 0 && call.body() instanceof Body.Stream;
        boolean write = watchdog.writeTimeout().compareTo(exec) < 0;
        if (!read && !write) {
            return next.proceed(call);
        }
        var function = call.function();
        var readLimit = watchdog.readTimeout();
        var writeLimit = watchdog.writeTimeout();
        // Whichever comes first answers: the call, or a deadline (which then stops the call; a
        // stage that does not listen for that, e.g. one still collecting the body, is not waited for).
        Promise<InvocationResult> outcome = Promise.promise();
        var answer = new AtomicReference<Body.Stream>();
        var cancellation = call.cancellation();
        long readTimer = -1;
        if (read) {
            var body = (Body.Stream) call.body();
            var watched = new EndWatch(body.stream(), () -> {});
            call = call.withBody(new Body.Stream(watched, body.cancel()));
            readTimer = vertx.setTimer(readLimit.toMillis(), id -> {
                if (!watched.ended && outcome.tryComplete(InvocationResult.internal(408, "deadline",
                        "request body not received within read_timeout " + text(readLimit)))) {
                    cancellation.cancel();
                }
            });
        }
        long writeTimer = -1;
        if (write) {
            writeTimer = vertx.setTimer(writeLimit.toMillis(), id -> {
                var streaming = answer.get();
                if (streaming != null) {
                    streaming.cancel().run(); // the answer had begun: all that is left is to cut it
                } else if (outcome.tryComplete(InvocationResult.internal(504, "deadline", "function " + function
                        + " did not answer within write_timeout " + text(writeLimit)))) {
                    cancellation.cancel();
                }
            });
        }
        long readId = readTimer;
        long writeId = writeTimer;
        next.proceed(call).onComplete(done -> {
            if (readId >= 0) {
                vertx.cancelTimer(readId);
            }
            if (done.failed()) {
                outcome.tryFail(done.cause());
                return;
            }
            var result = done.result();
            if (writeId >= 0 && result.body() instanceof Body.Stream s) {
                var watched = new EndWatch(s.stream(), () -> vertx.cancelTimer(writeId));
                var body = new Body.Stream(watched, s.cancel());
                answer.set(body);
                result = InvocationResult.of(result.status(), result.headers(), body);
            } else if (writeId >= 0) {
                vertx.cancelTimer(writeId);
            }
            if (!outcome.tryComplete(result)) {
                discard(result.body()); // a deadline answered first
            }
        });
        return outcome.future();
    }

    private static void discard(Body body) {
        if (body instanceof Body.Stream s) {
            s.cancel().run();
        }
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
