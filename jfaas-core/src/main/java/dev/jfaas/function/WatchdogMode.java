package dev.jfaas.function;

import java.util.Arrays;
import java.util.Locale;

/** How a function's process serves calls, as the OpenFaaS of-watchdog's {@code mode}. */
public enum WatchdogMode {
    /** One process per call; whole body on stdin, whole stdout is the response. */
    SERIALIZING,
    /** One process per call; body streamed to stdin and stdout streamed back. */
    STREAMING,
    /** One long-running HTTP server per replica on {@code $PORT}. */
    HTTP;

    public static WatchdogMode parse(String text) {
        if (text == null || text.isBlank()) {
            return SERIALIZING;
        }
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RequestRejected.invalid("invalid mode \"" + text + "\": use one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }

    public boolean forksPerCall() {
        return this != HTTP;
    }
}
