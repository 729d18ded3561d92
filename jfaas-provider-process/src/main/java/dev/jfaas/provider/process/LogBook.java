package dev.jfaas.provider.process;

import dev.jfaas.function.FunctionName;
import dev.jfaas.provider.FunctionLogs;
import dev.jfaas.provider.LogLine;
import dev.jfaas.provider.LogQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The recent log lines of every function, kept in memory (a bounded ring per function). */
final class LogBook implements FunctionLogs {

    private static final int LINES_PER_FUNCTION = 5000;

    private record Follower(LogQuery query, Consumer<LogLine> sink) {}

    private final Map<FunctionName, Deque<LogLine>> lines = new ConcurrentHashMap<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();

    void append(FunctionName function, String instance, String text) {
        var line = new LogLine(function.name(), function.namespace(), instance, Instant.now(), text);
        var ring = lines.computeIfAbsent(function, f -> new ArrayDeque<>());
        synchronized (ring) {
            if (ring.size() == LINES_PER_FUNCTION) {
                ring.removeFirst();
            }
            ring.addLast(line);
        }
        for (var follower : followers) {
            if (follower.query().function().equals(function) && follower.query().matches(line)) {
                follower.sink().accept(line);
            }
        }
    }

    /** Reads a replica's stdout or stderr line by line into the book until the stream closes. */
    void pump(FunctionName function, String instance, InputStream stream) {
        PipeThreads.run(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    append(function, instance, line);
                }
            } catch (IOException ignored) {
                // the process went away; its last lines are already in the book
            }
        });
    }

    /** The newest line of one replica, or null. */
    String lastLine(FunctionName function, String instance) {
        var ring = lines.get(function);
        if (ring == null) {
            return null;
        }
        synchronized (ring) {
            for (var it = ring.descendingIterator(); it.hasNext(); ) {
                var line = it.next();
                if (line.instance().equals(instance)) {
                    return line.text();
                }
            }
        }
        return null;
    }

    void forget(FunctionName function) {
        lines.remove(function);
    }

    @Override
    public List<LogLine> read(LogQuery query) {
        var ring = lines.get(query.function());
        if (ring == null) {
            return List.of();
        }
        var matching = new ArrayList<LogLine>();
        synchronized (ring) {
            for (var line : ring) {
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
    public AutoCloseable follow(LogQuery query, Consumer<LogLine> sink) {
        var follower = new Follower(query, sink);
        followers.add(follower);
        return () -> followers.remove(follower);
    }
}
