package dev.jfaas.health;

import java.util.Optional;

/** Whether a part can do its work; /healthz fails while any part says it cannot. */
@FunctionalInterface
public interface Health {

    /** Why the part cannot work now, or empty when it can. */
    Optional<String> problem();
}
