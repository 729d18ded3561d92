package dev.jfaas.gateway.invoke;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget of bytes held at once. As used by the async entries (the request bodies of sync calls
 * have budgets of their own: {@link ReceivedBodies}): how many bytes of async call bodies the
 * gateway holds at once, every entry together: an accept
 * holds its body whole until it is stored, and 2,000 connections each sending a body of the async
 * limit would be gigabytes. Past the budget (a quarter of the heap by default) an accept is a 503
 * with Retry-After instead of an OutOfMemoryError. A body counts {@link #COPIES} times: it is held
 * as it arrives, copied into the call that is stored, and bound to the store's statement (40
 * bodies of 5 MB at once ended a 96 MB gateway counting each once).
 */
public final class HeldBodies {

    private final long budget;
    private final AtomicLong held = new AtomicLong();

    public HeldBodies(long budget) {
        this.budget = budget;
    }

    /** A quarter of the heap this gateway has. */
    public static HeldBodies ofHeap() {
        return new HeldBodies(Runtime.getRuntime().maxMemory() / 4);
    }

    static final int COPIES = 3;

    /** Takes {@code bytes} of the budget, or nothing if they do not fit. */
    boolean reserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > budget && bytes > 0) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }
}
