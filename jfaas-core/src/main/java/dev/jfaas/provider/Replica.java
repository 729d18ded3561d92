package dev.jfaas.provider;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running instance of a function. Either an HTTP server the gateway proxies to, or something
 * that runs each call itself (a forking watchdog mode). The in-flight count lets the forward stage
 * pick the least busy replica.
 */
public abstract sealed class Replica permits HttpReplica, ExecReplica {

    private final String instance;
    private final AtomicInteger inFlight = new AtomicInteger();

    protected Replica(String instance) {
        this.instance = instance;
    }

    /** A name unique among the function's replicas, shown in logs. */
    public String instance() {
        return instance;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public void callStarted() {
        inFlight.incrementAndGet();
    }

    public void callEnded() {
        inFlight.decrementAndGet();
    }
}
