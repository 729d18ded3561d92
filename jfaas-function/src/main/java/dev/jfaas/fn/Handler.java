package dev.jfaas.fn;

/** A function: one call in, one answer out. Runs on a virtual thread of its own per call. */
@FunctionalInterface
public interface Handler {

    /** An exception becomes a 500 for the caller (its stack trace goes to the log, not to the caller). */
    Response handle(Request request, Context context) throws Exception;
}
