package dev.jfaas.gateway.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * Told when the gateway starts to read a function call's body. A call may wait in the gateway
 * before that (for a slot, for a replica to start) with its body unread: the body's time limit
 * (JFAAS_BODY_TIMEOUT) runs from here, so a caller is not timed out for the gateway's own wait.
 */
@FunctionalInterface
public interface BodyClock {

    BodyClock NONE = request -> { };

    void reading(HttpServerRequest request);
}
