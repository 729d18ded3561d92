package dev.jfaas.gateway.scaling;

import dev.jfaas.function.FunctionName;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Calls started and in flight per function, as the autoscaler reads them. Cheap on the hot path. */
public final class LoadTracker {

    /** One function's counters; striped, so event loops counting at once do not contend. */
    static final class Load {
        final LongAdder started = new LongAdder();
        final LongAdder finished = new LongAdder();
    }

    private final Map<FunctionName, Load> loads = new ConcurrentHashMap<>();

    private Load of(FunctionName function) {
        var load = loads.get(function);
        return load != null ? load : loads.computeIfAbsent(function, f -> new Load());
    }

    public void started(FunctionName function) {
        var load = of(function);
        load.started.increment();
    }

    public void finished(FunctionName function) {
        of(function).finished.increment();
    }

    /** Calls started so far (a running total). */
    long startedTotal(FunctionName function) {
        return of(function).started.sum();
    }

    int inFlight(FunctionName function) {
        var load = of(function);
        long finished = load.finished.sum(); // read first: a call may start and end between the reads
        return (int) Math.max(0, load.started.sum() - finished);
    }
}
