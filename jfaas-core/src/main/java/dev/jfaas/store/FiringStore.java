package dev.jfaas.store;

import dev.jfaas.function.FunctionName;
import java.time.Instant;
import java.util.Optional;

/**
 * The last scheduled firing this gateway queued (or found queued) for each function, kept across
 * restarts so a gateway that was down queues one catch-up call for what it missed, and none for
 * what it had already done.
 */
public interface FiringStore {

    Optional<Instant> lastFiring(FunctionName function);

    void recordFiring(FunctionName function, Instant scheduledAt);

    void forgetFirings(FunctionName function);
}
