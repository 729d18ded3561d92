package dev.jfaas.function;

/**
 * A request that jfaas refuses for a reason the caller can fix. Carries the HTTP status the API
 * answers with, so every edge (HTTP, CLI, worker) reports the same thing.
 */
public sealed class RequestRejected extends RuntimeException
        permits RequestRejected.Invalid, RequestRejected.NotFound, RequestRejected.Conflict {

    private final int status;

    private RequestRejected(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static Invalid invalid(String message) {
        return new Invalid(message);
    }

    public static NotFound notFound(String message) {
        return new NotFound(message);
    }

    public static Conflict conflict(String message) {
        return new Conflict(message);
    }

    /** 400: the input is malformed or breaks a rule. */
    public static final class Invalid extends RequestRejected {
        Invalid(String message) {
            super(400, message);
        }
    }

    /** 404: the thing named does not exist. */
    public static final class NotFound extends RequestRejected {
        NotFound(String message) {
            super(404, message);
        }
    }

    /** 409: the thing exists already. */
    public static final class Conflict extends RequestRejected {
        Conflict(String message) {
            super(409, message);
        }
    }
}
