package dev.jfaas.invoke;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets whoever started a call stop it: the caller went away, or an async call was cancelled.
 * Stages that hold something running (an upstream request, a process) register how to stop it.
 * Thread-safe; a handler registered after cancellation runs at once.
 */
public final class Cancellation {

    private final List<Runnable> handlers = new ArrayList<>();
    private boolean cancelled;

    public void onCancel(Runnable handler) {
        boolean runNow;
        synchronized (this) {
            runNow = cancelled;
            if (!runNow) {
                handlers.add(handler);
            }
        }
        if (runNow) {
            handler.run();
        }
    }

    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(handlers);
            handlers.clear();
        }
        toRun.forEach(Runnable::run);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }
}
