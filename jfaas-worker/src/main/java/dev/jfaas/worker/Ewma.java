package dev.jfaas.worker;

/** An exponentially weighted moving average of durations in nanoseconds; one thread only. */
final class Ewma {

    private double value;

    void add(long nanos) {
        value = value == 0 ? nanos : value * 0.9 + nanos * 0.1;
    }

    /** 0 until the first sample. */
    double value() {
        return value;
    }
}
