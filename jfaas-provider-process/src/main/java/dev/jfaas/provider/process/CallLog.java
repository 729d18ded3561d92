package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionName;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A call's output (stderr, or stdout with write_debug) as lines of the function's log, as it comes
 * in pieces; the first part is kept for a failed call's answer.
 */
final class CallLog {

    /** How much a failed call's 500 carries (all of it goes to the log). */
    private static final int MAX_ERROR_TEXT = 64 << 10;
    /** A log line longer than this is cut into several. */
    private static final int MAX_LINE = 16 << 10;

    private final LogBook logs;
    private final FunctionName function;
    private final String instance;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final StringBuilder kept = new StringBuilder();

    CallLog(LogBook logs, FunctionName function, String instance) {
        this.logs = logs;
        this.function = function;
        this.instance = instance;
    }

    void add(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n' || partial.size() >= MAX_LINE) {
                line();
            }
            if (b != '\n') {
                partial.write(b);
            }
        }
    }

    void flush() {
        if (partial.size() > 0) {
            line();
        }
    }

    private void line() {
        var text = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        logs.append(function, instance, text);
        if (kept.length() < MAX_ERROR_TEXT) {
            kept.append(text).append('\n');
        }
    }

    String text() {
        return kept.toString();
    }
}
