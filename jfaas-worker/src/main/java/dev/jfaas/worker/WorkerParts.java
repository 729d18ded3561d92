package dev.jfaas.worker;

import dev.jfaas.invoke.Pipeline;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallWaiters;
import io.vertx.core.Vertx;
import java.time.Clock;

/** What every queue worker of a process shares. */
record WorkerParts(Vertx vertx, CallQueue queue, Pipeline pipeline, FunctionCatalog catalog, FunctionSlots slots,
        BodyBudget bodies, CallbackSender callbacks, CallWaiters waiters, WorkerMetrics metrics, Clock clock) {}
