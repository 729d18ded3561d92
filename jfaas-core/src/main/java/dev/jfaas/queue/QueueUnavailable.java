package dev.jfaas.queue;

/** The queue cannot take a call now (full, or its broker unreachable): the caller gets 503 and retries. */
public final class QueueUnavailable extends RuntimeException {

    public QueueUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    public QueueUnavailable(String message) {
        super(message);
    }
}
