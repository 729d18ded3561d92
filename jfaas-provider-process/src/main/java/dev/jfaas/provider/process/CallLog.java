package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionName;

/**
 * A call's output (stderr, or stdout with write_debug) as lines of the function's log, as it comes
 * in pieces; the first part is kept for a failed call's answer.
 */
final class CallLog {

    /** How much a failed call's 500 carries (all of it goes to the log). */
    private static final int MAX_ERROR_TEXT = 64 << 10;
    private final StringBuilder kept = new StringBuilder();
    private final LogLines lines;

    CallLog(LogBook logs, FunctionName function, String instance) {
        this.lines = new LogLines(text -> {
            logs.append(function, instance, text);
            if (kept.length() < MAX_ERROR_TEXT) {
                kept.append(text, 0, Math.min(text.length(), MAX_ERROR_TEXT - kept.length())).append('\n');
            }
        });
    }

    void add(byte[] bytes) {
        lines.add(bytes, 0, bytes.length);
    }

    void flush() {
        lines.flush();
    }

    String text() {
        return kept.toString();
    }
}
