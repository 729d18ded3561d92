package dev.jfaas.queue.redis;

import java.time.Duration;

/**
 * Where the Redis queue lives and how its keys are named.
 *
 * @param url {@code redis://host:port[/db]}
 * @param prefix starts every key, so several installations (or test runs) share one server
 * @param requestTimeout how long one command may take before the call is refused (503)
 * @param recordTtl how long call documents, results and dead letters live at most
 * @param redeliverAfter how long a delivery may sit unanswered before another worker reclaims it
 *     (XAUTOCLAIM); it only matters when a process dies between fetching and answering
 */
public record RedisSettings(String url, String prefix, Duration requestTimeout, Duration recordTtl, Duration redeliverAfter) {

    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final String DEFAULT_PREFIX = "jfaas";

    public RedisSettings {
        if (!prefix.matches("[A-Za-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("Redis prefix \"" + prefix + "\": use 1 to 32 letters, digits or '-'");
        }
    }

    public static RedisSettings of(String url, String prefix) {
        return new RedisSettings(url, prefix, Duration.ofSeconds(5), Duration.ofDays(7), Duration.ofSeconds(60));
    }
}
