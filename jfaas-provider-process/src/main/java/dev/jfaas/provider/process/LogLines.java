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
    /** The last line was cut at the most a line may be: a newline right after it ends that line, not an empty one. */
    private boolean cut;

    LogLines(Consumer<String> sink) {
        this.sink = sink;
    }

    void add(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int start = offset;
        while (start < end) {
            int limit = Math.min(end, start + (MAX_LINE - partial.size()));
            int newline = start;
            while (newline < limit && bytes[newline] != '\n') {
                newline++;
            }
            partial.write(bytes, start, newline - start);
            if (newline < limit) {
                if (!(cut && partial.size() == 0)) {
                    line(); // at a newline
                }
                cut = false;
                start = newline + 1;
            } else {
                start = limit;
                if (partial.size() >= MAX_LINE) {
                    line(); // a line without end, cut
                    cut = true;
                } else {
                    cut = false;
                }
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
