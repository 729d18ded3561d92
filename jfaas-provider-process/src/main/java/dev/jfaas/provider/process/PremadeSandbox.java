package dev.jfaas.provider.process;

import dev.jfaas.sandbox.Sandbox;
import java.util.function.Function;

/**
 * One function's sandbox made ahead while it is at zero (JFAAS_SANDBOX_PREMADE): a replica started
 * held, its sandbox whole and its program waiting, which the function's next replica becomes, so a
 * first call pays for the program's start only. At most one per function; the gateway's count is
 * the {@link Sandbox}'s. Taken by the lifecycle queue, and by the gateway's stop from outside it.
 */
final class PremadeSandbox {

    private final Sandbox sandbox;
    private ReplicaProcess held;
    /** The gateway is stopping: nothing is made ahead any more. */
    private boolean closed;

    PremadeSandbox(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /**
     * Makes one if there is none and the gateway's count allows, from {@code replica} (given the
     * listener that hears when a held replica fails). A server on the host's network is told its
     * port when its sandbox is made: held for hours, the port could be taken meanwhile, by accident
     * or by a process that wants its calls; it gets none.
     */
    void make(LocalFunction.Spec spec, Function<ReplicaProcess.Listener, ReplicaProcess> replica,
            ReplicaProcess.Listener listener) {
        boolean holdable = spec.watchdog().mode().forksPerCall() || sandbox.ownNetwork(spec.network());
        if (!holdable || has() || !sandbox.reservePremade()) {
            return;
        }
        var made = replica.apply(new ReplicaProcess.Listener() {
            @Override
            public void readinessChanged(ReplicaProcess process, dev.jfaas.provider.Replica readyOrNull) {
                listener.readinessChanged(process, readyOrNull);
            }

            @Override
            public void dropped(ReplicaProcess process) {
                forget(process); // failed or died before a call came: its place is free for the next time at zero
            }
        });
        if (adopt(made)) {
            made.start();
        } else {
            sandbox.returnPremade();
        }
    }

    private synchronized boolean has() {
        return held != null;
    }

    private synchronized boolean adopt(ReplicaProcess made) {
        if (closed || held != null) {
            return false;
        }
        held = made;
        return true;
    }

    /** The held replica, now the caller's to release or stop; null if there is none. */
    synchronized ReplicaProcess take() {
        var taken = held;
        if (taken != null) {
            held = null;
            sandbox.returnPremade();
        }
        return taken;
    }

    private synchronized void forget(ReplicaProcess process) {
        if (held == process) {
            take();
        }
    }

    /** Stops the one held (after its calls: it has none); with {@code closing}, none is made again. */
    void drop(boolean closing) {
        synchronized (this) {
            closed |= closing;
        }
        var taken = take();
        if (taken != null) {
            if (closing) {
                taken.kill();
            } else {
                taken.stop();
            }
        }
    }
}
