package dev.jfaas.health;

/** A write was refused because the disk is full: 507 to whoever asked, and it passes when space returns. */
public final class StorageFull extends RuntimeException {

    public StorageFull(String what, Throwable cause) {
        super(what + ": the disk is full; it works again once space is freed", cause);
    }
}
