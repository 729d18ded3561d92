package dev.jfaas.queue;

import dev.jfaas.function.FunctionName;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * How many more calls of each function a lease may bring: a worker asks only for what it can
 * start, so a function at its limit leaves its calls queued for other workers and the next
 * lease, instead of them waiting leased in a worker that cannot run them. Asked from the
 * backend's own threads, so {@code limit} must be safe to call from any thread.
 *
 * @param limit how many calls of a function may run at once ({@link Integer#MAX_VALUE}: any number)
 * @param used how many of those are taken already, per function
 */
public record FunctionRoom(ToIntFunction<FunctionName> limit, Map<FunctionName, Integer> used) {

    /** No function limited. */
    public static final FunctionRoom ANY = new FunctionRoom(f -> Integer.MAX_VALUE, Map.of());

    public FunctionRoom {
        used = Map.copyOf(used);
    }

    /** {@code left} of each listed function, any number of the rest. */
    public static FunctionRoom of(Map<FunctionName, Integer> left) {
        var copy = Map.copyOf(left);
        return new FunctionRoom(f -> copy.getOrDefault(f, Integer.MAX_VALUE), Map.of());
    }

    /** None for {@code full}'s functions, any number for the rest. */
    public static FunctionRoom skipping(Set<FunctionName> full) {
        var copy = Set.copyOf(full);
        return new FunctionRoom(f -> copy.contains(f) ? 0 : Integer.MAX_VALUE, Map.of());
    }

    /** This room with {@code taken} more calls of each function used up. */
    public FunctionRoom less(Map<FunctionName, Integer> taken) {
        if (taken.isEmpty()) {
            return this;
        }
        var sum = new HashMap<>(used);
        taken.forEach((function, n) -> sum.merge(function, n, Integer::sum));
        return new FunctionRoom(limit, sum);
    }

    /** How many more of {@code function}'s calls may be leased. */
    public int of(FunctionName function) {
        int max = limit.applyAsInt(function);
        return max == Integer.MAX_VALUE ? max : Math.max(0, max - used.getOrDefault(function, 0));
    }
}
