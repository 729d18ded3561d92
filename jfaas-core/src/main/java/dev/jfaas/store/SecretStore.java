package dev.jfaas.store;

import java.util.List;
import java.util.Optional;

/** Durable secrets. Writes return once on disk. */
public interface SecretStore {

    /** @return false if it existed already */
    boolean createSecret(Secret secret);

    /** @return false if it did not exist */
    boolean updateSecret(Secret secret);

    /** @return false if it did not exist */
    boolean deleteSecret(String namespace, String name);

    /** Names only, sorted. */
    List<String> secretNames(String namespace);

    Optional<byte[]> secretValue(String namespace, String name);
}
