package dev.jfaas.worker;

import dev.jfaas.function.Backoff;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallbackPolicy;
import dev.jfaas.queue.Lease;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts a finished call's response to its {@code X-Callback-Url}, as OpenFaaS's queue worker does,
 * with the call's identity in headers; retried with doubling waits. Resolves to the outcome text
 * kept on the call record. A receiver's 429 or 503 with {@code Retry-After} sets the next wait.
 */
final class CallbackSender {

    private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);
    /** Past this a callback is no more likely to be taken: the backoff's cap, and a Retry-After's. */
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final HttpClient client;
    private final int attempts;
    private final Backoff waits;
    private final CallbackPolicy policy;

    CallbackSender(Vertx vertx, HttpClient client, int attempts, Duration minWait, CallbackPolicy policy) {
        this.vertx = vertx;
        this.client = client;
        this.attempts = attempts;
        // doubling from the first wait, up to the longest
        var first = minWait.isZero() || minWait.isNegative() ? Duration.ofMillis(1) : minWait;
        this.waits = new Backoff(first, first.compareTo(LONGEST_WAIT) > 0 ? first : LONGEST_WAIT);
        this.policy = policy;
    }

    Future<String> send(Lease lease, int functionStatus, CallResponse response) {
        Promise<String> outcome = Promise.promise();
        attempt(lease, functionStatus, response, 1, outcome);
        return outcome.future();
    }

    private void attempt(Lease lease, int functionStatus, CallResponse response, int attempt, Promise<String> outcome) {
        var uri = URI.create(lease.call().callbackUrl());
        // Resolved and checked first, then posted to the very address that was checked (a name
        // that resolves differently the second time cannot aim the callback elsewhere).
        vertx.<InetAddress>executeBlocking(() -> policy.resolve(uri), false).onComplete(resolved -> {
            if (resolved.failed()) {
                var why = resolved.cause() instanceof CallbackPolicy.Refused ? resolved.cause().getMessage()
                        : "cannot resolve: " + resolved.cause().getMessage();
                log.warn("callback of call {} refused: {}", lease.call().callId(), why);
                outcome.complete("refused: " + why);
                return;
            }
            post(lease, functionStatus, response, attempt, outcome, uri, resolved.result());
        });
    }

    private void post(Lease lease, int functionStatus, CallResponse response, int attempt, Promise<String> outcome, URI uri,
            InetAddress address) {
        var call = lease.call();
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        var options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(call.callbackUrl())
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setFollowRedirects(false).setTimeout(10_000);
        if (response != null) {
            response.headers().forEach(h -> {
                if (!h.name().equalsIgnoreCase("Content-Length") && !h.name().equalsIgnoreCase("Transfer-Encoding")
                        && !h.name().equalsIgnoreCase("Connection")) {
                    options.addHeader(h.name(), h.value());
                }
            });
        }
        options.putHeader("X-Call-Id", call.callId())
                .putHeader("X-Function-Name", call.function().name())
                .putHeader("X-Function-Namespace", call.function().namespace())
                .putHeader("X-Function-Status", Integer.toString(functionStatus))
                .putHeader("X-Duration-Seconds", String.format(Locale.ROOT, "%.6f", response == null ? 0 : response.durationSeconds()))
                .putHeader("X-Retry", Integer.toString(lease.attempt()))
                .putHeader("X-Retry-Max", Integer.toString(call.maxAttempts()));
        var body = response == null ? Buffer.buffer() : Buffer.buffer(response.body());
        client.request(options).compose(request -> request.send(body)).compose(r -> r.body().map(b -> r))
                .onComplete(done -> {
                    if (done.succeeded() && done.result().statusCode() < 400) {
                        outcome.complete("delivered (" + done.result().statusCode() + ")");
                        return;
                    }
                    var why = done.succeeded() ? "status " + done.result().statusCode() : done.cause().getMessage();
                    if (attempt >= attempts) {
                        log.warn("callback of call {} to {} failed after {} attempts: {}", call.callId(), call.callbackUrl(), attempt, why);
                        outcome.complete("failed after " + attempt + " attempts: " + why);
                        return;
                    }
                    vertx.setTimer(Math.max(1, wait(done.succeeded() ? done.result() : null, attempt).toMillis()),
                            id -> attempt(lease, functionStatus, response, attempt + 1, outcome));
                });
    }

    /** A receiver's 429 or 503 with a Retry-After sets the wait (up to the longest backoff); else the backoff. */
    private Duration wait(io.vertx.core.http.HttpClientResponse answer, int attempt) {
        if (answer != null && (answer.statusCode() == 429 || answer.statusCode() == 503)) {
            var asked = RetryAfter.parse(answer.getHeader("Retry-After"), java.time.Instant.now());
            if (asked != null) {
                return asked.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : asked;
            }
        }
        return waits.after(attempt);
    }
}
