package dev.jfaas.gateway.system;

import dev.jfaas.provider.LogLine;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Sends the lines of a followed log to one reader, with a bound: lines wait in a queue of at most
 * {@link #MAX_WAITING_BYTES} for the reader's connection to take them, and past it are dropped,
 * counted, and said to be so once there is room again. A function writes as fast as it likes, and
 * a reader takes as slow as it likes (or not at all): without a bound, what waits between them
 * filled the gateway's heap.
 */
final class LogFollower implements Consumer<LogLine> {

    static final long MAX_WAITING_BYTES = 256 << 10;

    private final Context context;
    private final HttpServerResponse response;
    private final java.util.function.Function<LogLine, String> encode;
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private long dropped;
    private boolean scheduled;
    /** The function is gone: once what waits is written, the response ends. */
    private boolean ending;
    /** A line of the log followed, whose function names the notice of lines dropped. */
    private LogLine seen;

    LogFollower(Context context, HttpServerResponse response, java.util.function.Function<LogLine, String> encode) {
        this.context = context;
        this.response = response;
        this.encode = encode;
        response.drainHandler(v -> drain());
    }

    /** From any thread: the line waits for the reader, or is dropped if too much already waits. */
    @Override
    public void accept(LogLine line) {
        var text = encode.apply(line);
        boolean schedule;
        synchronized (this) {
            seen = line;
            if (waitingBytes + text.length() > MAX_WAITING_BYTES) {
                dropped++;
                return;
            }
            waiting.addLast(text);
            waitingBytes += text.length();
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            context.runOnContext(v -> drain());
        }
    }

    /** On the response's context: the function is gone; what waits is written, then the response ends. */
    void end() {
        synchronized (this) {
            ending = true;
            if (scheduled) {
                return; // the drain under way ends it
            }
            scheduled = true;
        }
        drain();
    }

    /** On the response's context: writes what waits while the connection takes it. */
    private void drain() {
        while (!response.ended() && !response.closed() && !response.writeQueueFull()) {
            String next;
            long lost;
            LogLine of;
            synchronized (this) {
                of = seen;
                lost = dropped;
                dropped = 0;
                next = lost > 0 ? null : waiting.pollFirst();
                if (next != null) {
                    waitingBytes -= next.length();
                }
                if (lost == 0 && next == null) {
                    scheduled = false;
                    if (ending) {
                        response.end();
                    }
                    return;
                }
            }
            if (lost > 0) {
                response.write(encode.apply(new LogLine(of.name(), of.namespace(), "jfaas", java.time.Instant.now(),
                        "(" + lost + " lines not sent: this reader fell behind)")));
            } else {
                response.write(next);
            }
        }
        synchronized (this) {
            // Stopped by a full connection: its drain handler comes back here.
            scheduled = !response.ended() && !response.closed();
        }
    }
}
