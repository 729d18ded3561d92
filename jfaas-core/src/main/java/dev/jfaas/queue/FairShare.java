package dev.jfaas.queue;

import dev.jfaas.function.FunctionName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The order a queue's calls are leased in when several functions have work: the functions take
 * turns, one call each, the one served longest ago (or never) first; within a function its own
 * order holds (priority, then age). So a function with a large backlog cannot hold up another's
 * calls (SPEC §5.2), as Knative's activator and Lambda's SQS pollers keep one function's backlog
 * from delaying another's. Every backend leases through this; it remembers per queue when each
 * function with work was last served, so turns carry over from one lease to the next.
 */
public final class FairShare {

    private final Map<String, Map<FunctionName, Long>> lastServed = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();

    /** {@code functions} in the order they get their turn. */
    public List<FunctionName> turns(String queue, java.util.Collection<FunctionName> functions) {
        var served = lastServed.getOrDefault(queue, Map.of());
        var order = new ArrayList<>(functions);
        order.sort(Comparator.comparingLong(f -> served.getOrDefault(f, 0L)));
        return order;
    }

    /** Notes that a call of {@code function} was just leased. */
    public void served(String queue, FunctionName function) {
        lastServed.computeIfAbsent(queue, q -> new ConcurrentHashMap<>()).put(function, clock.incrementAndGet());
    }

    /**
     * Forgets functions of {@code queue} that have no work now, so the map holds only functions
     * with work; one that comes back later counts as never served and goes first.
     */
    public void keepOnly(String queue, java.util.Collection<FunctionName> withWork) {
        var served = lastServed.get(queue);
        if (served != null) {
            served.keySet().retainAll(new java.util.HashSet<>(withWork));
        }
    }

    /**
     * Up to {@code max} of the candidates, one function's at a time in turn, each function's in
     * its own order and at most its {@link FunctionRoom}; those picked are counted as served.
     * Callers tell {@link #keepOnly} which functions have work, so turns stay short-lived.
     *
     * @param candidates per function, its callable calls in the order it runs them
     */
    public <T> List<T> interleave(String queue, Map<FunctionName, ? extends List<T>> candidates, int max, FunctionRoom room) {
        var cursors = new LinkedHashMap<FunctionName, Iterator<T>>();
        var taken = new HashMap<FunctionName, Integer>();
        for (var function : turns(queue, candidates.keySet())) {
            if (room.of(function) > 0) {
                cursors.put(function, candidates.get(function).iterator());
            }
        }
        var out = new ArrayList<T>();
        while (out.size() < max && !cursors.isEmpty()) {
            for (var it = cursors.entrySet().iterator(); it.hasNext() && out.size() < max; ) {
                var next = it.next();
                var function = next.getKey();
                if (!next.getValue().hasNext()) {
                    it.remove();
                    continue;
                }
                out.add(next.getValue().next());
                served(queue, function);
                if (taken.merge(function, 1, Integer::sum) >= room.of(function)) {
                    it.remove();
                }
            }
        }
        return out;
    }
}
