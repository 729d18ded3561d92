package dev.jfaas.gateway.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New call ids: random (version 4) UUIDs. {@link UUID#randomUUID()} draws from a shared
 * SecureRandom, which costs more than the rest of the edge; a call id needs uniqueness, not
 * secrecy, so a thread-local generator does.
 */
public final class CallIds {

    private CallIds() {}

    public static String next() {
        var random = ThreadLocalRandom.current();
        long high = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long low = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
