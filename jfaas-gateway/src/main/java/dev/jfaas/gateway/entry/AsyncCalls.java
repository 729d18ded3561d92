package dev.jfaas.gateway.entry;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallbackPolicy;
import dev.jfaas.queue.CallWaiters;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the gateway's async side is wired to: the queue calls wait in, how to wake a local worker
 * for a queue, how to stop a call a local worker runs, and where to wait for a call to end.
 *
 * @param resultTtl how long finished calls are kept
 * @param shared other processes run this queue's calls too (a broker): a caller waiting for a
 *     result also looks at the queue now and then, since their workers cannot tell this process
 * @param callbacks where callbacks may point (an accept naming a URL it refuses is a 400)
 * @param heldBodies the bytes of async bodies held at once, every entry together
 * @param adaptiveLimits the functions this process's workers hold back because they pushed back
 *     (429, or a 503 of their own), and how many calls of each they send at once now
 */
public record AsyncCalls(CallQueue queue, Consumer<String> wakeWorker, Consumer<String> abortRunning, CallWaiters waiters,
        Duration resultTtl, boolean shared, CallbackPolicy callbacks, dev.jfaas.gateway.invoke.HeldBodies heldBodies,
        Supplier<Map<FunctionName, Integer>> adaptiveLimits) {}
