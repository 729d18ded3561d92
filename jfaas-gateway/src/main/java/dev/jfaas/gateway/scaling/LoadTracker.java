package dev.jfaas.gateway.scaling;

import dev.jfaas.function.FunctionName;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Calls started and in flight per function, as the autoscaler reads them. Cheap on the hot path. */
public final class LoadTracker {

    /** One function's counters. */
    static final class Load {
        final LongAdder started = new LongAdder();
        final AtomicInteger inFlight = new AtomicInteger();
    }

    private final Map<FunctionName, Load> loads = new ConcurrentHashMap<>();

    private Load of(FunctionName function) {
        var load = loads.get(function);
        return load != null ? load : loads.computeIfAbsent(function, f -> new Load());
    }

    public void started(FunctionName function) {
        var load = of(function);
        load.started.increment();
        load.inFlight.incrementAndGet();
    }

    public void finished(FunctionName function) {
        of(function).inFlight.decrementAndGet();
    }

    /** Calls started so far (a running total). */
    long startedTotal(FunctionName function) {
        return of(function).started.sum();
    }

    int inFlight(FunctionName function) {
        return of(function).inFlight.get();
    }
}
