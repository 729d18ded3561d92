package dev.jfaas.images;

/** An image operation that failed, with a message a user can act on; {@code status} is the HTTP status it deserves. */
public final class ImageException extends RuntimeException {

    private final int status;

    public ImageException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
