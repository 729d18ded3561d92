package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionName;
import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.LogLine;
import dev.jfaas.provider.LogQuery;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The recent log lines of every function, kept in memory: a ring per function, bounded in lines and
 * in bytes, and all rings together bounded by a share of the heap. What a function writes is under
 * its control, so the bounds are what keeps a function (or any caller of it) from filling the
 * gateway's heap with its output; past them the oldest lines go, the noisiest function's first.
 */
final class LogBook implements FunctionLogs {

    private static final int LINES_PER_FUNCTION = 5000;
    /** Bytes of lines a function keeps: 16 KiB lines, invalid UTF-8 and all, fit a few dozen. */
    static final long BYTES_PER_FUNCTION = 1L << 20;

    private record Follower(LogQuery query, Consumer<LogLine> sink, Runnable ended) {}

    /** A function's lines and the bytes they hold. */
    private static final class Ring {
        final Deque<LogLine> lines = new ArrayDeque<>();
        long bytes;
    }

    private final Map<FunctionName, Ring> lines = new ConcurrentHashMap<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final long budget;
    private final java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();

    /** Every function's lines together in at most a sixteenth of the heap (6 MB with the launcher's 96). */
    LogBook() {
        this(Math.max(BYTES_PER_FUNCTION, Runtime.getRuntime().maxMemory() / 16));
    }

    LogBook(long budget) {
        this.budget = budget;
    }

    /** What a line costs the heap, roughly: its text as Java holds it (two bytes a char at worst) and its record. */
    private static long cost(LogLine line) {
        return 2L * line.text().length() + 2L * line.instance().length() + 96;
    }

    void append(FunctionName function, String instance, String text) {
        var line = new LogLine(function.name(), function.namespace(), instance, Instant.now(), text);
        var ring = lines.computeIfAbsent(function, f -> new Ring());
        long cost = cost(line);
        synchronized (ring) {
            ring.lines.addLast(line);
            ring.bytes += cost;
            held.addAndGet(cost);
            while (ring.lines.size() > 1 && (ring.lines.size() > LINES_PER_FUNCTION || ring.bytes > BYTES_PER_FUNCTION)) {
                dropOldest(ring);
            }
        }
        if (held.get() > budget) {
            shrinkNoisiest();
        }
        for (var follower : followers) {
            if (follower.query().function().equals(function) && follower.query().matches(line)) {
                follower.sink().accept(line);
            }
        }
    }

    private void dropOldest(Ring ring) {
        long cost = cost(ring.lines.removeFirst());
        ring.bytes -= cost;
        held.addAndGet(-cost);
    }

    /** Over the whole budget: the function holding the most gives up its oldest lines. */
    private void shrinkNoisiest() {
        while (held.get() > budget) {
            Ring noisiest = null;
            for (var ring : lines.values()) {
                if (noisiest == null || ring.bytes > noisiest.bytes) {
                    noisiest = ring;
                }
            }
            if (noisiest == null) {
                return;
            }
            synchronized (noisiest) {
                if (noisiest.lines.isEmpty()) {
                    return;
                }
                dropOldest(noisiest);
            }
        }
    }

    /**
     * Reads a replica's stdout or stderr into the book until the stream closes, in lines of at most
     * {@link LogLines#MAX_LINE} bytes, however long the lines the replica writes.
     *
     * @return done when the stream has ended and its last line is in the book
     */
    java.util.concurrent.CompletableFuture<Void> pump(FunctionName function, String instance, InputStream stream) {
        var done = new java.util.concurrent.CompletableFuture<Void>();
        PipeThreads.run(() -> {
            try {
                var lines = new LogLines(text -> append(function, instance, text));
                var buffer = new byte[8192];
                try (stream) {
                    for (int n; (n = stream.read(buffer)) >= 0; ) {
                        lines.add(buffer, 0, n);
                    }
                } catch (IOException ignored) {
                    // the process went away; what it wrote before is read
                }
                lines.flush();
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    /** The newest line of one replica, or null. */
    String lastLine(FunctionName function, String instance) {
        var ring = lines.get(function);
        if (ring == null) {
            return null;
        }
        synchronized (ring) {
            for (var it = ring.lines.descendingIterator(); it.hasNext(); ) {
                var line = it.next();
                if (line.instance().equals(instance)) {
                    return line.text();
                }
            }
        }
        return null;
    }

    /** The bytes all lines hold now, as the budget counts them. */
    long heldBytes() {
        return held.get();
    }

    /** The function is gone: its lines go, and those following it are told there will be no more. */
    void forget(FunctionName function) {
        for (var follower : followers) {
            if (follower.query().function().equals(function) && followers.remove(follower)) {
                follower.ended().run();
            }
        }
        var ring = lines.remove(function);
        if (ring != null) {
            synchronized (ring) {
                held.addAndGet(-ring.bytes);
                ring.bytes = 0;
            }
        }
    }

    @Override
    public List<LogLine> read(LogQuery query) {
        var ring = lines.get(query.function());
        if (ring == null) {
            return List.of();
        }
        var matching = new ArrayList<LogLine>();
        synchronized (ring) {
            for (var line : ring.lines) {
                if (query.matches(line)) {
                    matching.add(line);
                }
            }
        }
        return query.tail() >= 0 && matching.size() > query.tail()
                ? List.copyOf(matching.subList(matching.size() - query.tail(), matching.size()))
                : matching;
    }

    @Override
    public AutoCloseable follow(LogQuery query, Consumer<LogLine> sink, Runnable ended) {
        var follower = new Follower(query, sink, ended);
        followers.add(follower);
        return () -> followers.remove(follower);
    }
}
