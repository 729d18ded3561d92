package dev.jfaas.store;

import java.util.List;
import java.util.Optional;

/** Durable namespaces; the default namespace always exists. */
public interface NamespaceStore {

    List<Namespace> namespaces();

    Optional<Namespace> namespace(String name);

    /** @return false if it existed already */
    boolean createNamespace(Namespace namespace);

    /** @return false if it did not exist */
    boolean updateNamespace(Namespace namespace);

    /** Removes it and what lives in it (its secrets). @return false if it did not exist */
    boolean deleteNamespace(String name);
}
