package dev.jfaas.store;

import dev.jfaas.function.FunctionName;
import java.util.List;

/** Durable deployments. Writes return once on disk. */
public interface FunctionStore {

    void save(StoredFunction function);

    void delete(FunctionName name);

    List<StoredFunction> loadFunctions();
}
