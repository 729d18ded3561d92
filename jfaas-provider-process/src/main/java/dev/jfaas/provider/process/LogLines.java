package dev.jfaas.provider.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Output as it comes, in pieces, cut into log lines: at each newline, and every {@link #MAX_LINE}
 * bytes of a line that has none, so no output, however it is written, makes one line larger than that.
 */
final class LogLines {

    /** A log line longer than this is cut into several. */
    static final int MAX_LINE = 16 << 10;

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final Consumer<String> sink;

    LogLines(Consumer<String> sink) {
        this.sink = sink;
    }

    void add(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
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
        sink.accept(text);
    }
}
