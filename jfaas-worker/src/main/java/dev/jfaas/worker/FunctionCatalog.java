package dev.jfaas.worker;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.RetryPolicy;
import java.util.Set;

/** What workers need to know about functions beyond the call itself. */
public interface FunctionCatalog {

    /** The function's retry policy, or the default if it is gone. */
    RetryPolicy retryPolicy(FunctionName function);

    /** How many of its calls may run at once (its max_inflight × ready replicas), 0 for no limit. */
    int concurrencyLimit(FunctionName function);

    /** Every named queue some function uses, the default queue included. */
    Set<String> queues();
}
