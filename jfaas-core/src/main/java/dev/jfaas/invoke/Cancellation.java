package dev.jfaas.invoke;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets whoever started a call stop it: the caller went away, or an async call was cancelled.
 * Stages that hold something running (an upstream request, a process) register how to stop it.
 * Thread-safe; a handler registered after cancellation runs at once.
 */
public final class Cancellation {

    // Nearly every call registers one handler (its upstream request's reset): a field for it, a
    // list only for more (an empty list grown on its first add was ~70 bytes of every sync call).
    private Runnable first;
    private List<Runnable> more;
    private boolean cancelled;

    public void onCancel(Runnable handler) {
        boolean runNow;
        synchronized (this) {
            runNow = cancelled;
            if (!runNow) {
                if (first == null) {
                    first = handler;
                } else {
                    if (more == null) {
                        more = new ArrayList<>(2);
                    }
                    more.add(handler);
                }
            }
        }
        if (runNow) {
            handler.run();
        }
    }

    public void cancel() {
        Runnable one;
        List<Runnable> rest;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            one = first;
            rest = more;
            first = null;
            more = null;
        }
        if (one != null) {
            one.run();
        }
        if (rest != null) {
            rest.forEach(Runnable::run);
        }
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }
}
