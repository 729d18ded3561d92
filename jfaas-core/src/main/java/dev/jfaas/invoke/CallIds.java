package dev.jfaas.invoke;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New call ids: time-ordered (version 7, RFC 9562) UUIDs, the Unix time in milliseconds first and
 * 74 random bits after it. The embedded queue keeps a unique index on call ids; random (version 4)
 * ids put each accept on a random page of it, so a batch of accepts wrote and first read back a
 * page per call, while ids that grow with time all land on the index's last pages. Callers still
 * see an opaque UUID, as OpenFaaS's X-Call-Id; the random part keeps it unguessable.
 * {@link UUID#randomUUID()} draws from a shared SecureRandom, which costs more than the rest of
 * the edge; a call id needs uniqueness, not secrecy, so a thread-local generator does.
 */
public final class CallIds {

    private CallIds() {}

    public static String next() {
        return at(System.currentTimeMillis()).toString();
    }

    /** A call id as made at {@code unixMillis}. */
    public static UUID at(long unixMillis) {
        var random = ThreadLocalRandom.current();
        long high = (unixMillis << 16) | 0x7000L | (random.nextInt() & 0x0fffL);
        long low = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
