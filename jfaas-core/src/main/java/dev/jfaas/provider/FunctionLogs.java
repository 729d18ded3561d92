package dev.jfaas.provider;

import java.util.List;
import java.util.function.Consumer;

/** The log lines of functions' replicas. */
public interface FunctionLogs {

    List<LogLine> read(LogQuery query);

    /**
     * Sends each new matching line to {@code sink} until the returned handle is closed, or until
     * the function is removed: then {@code ended} runs, once, and no line comes after it.
     */
    AutoCloseable follow(LogQuery query, Consumer<LogLine> sink, Runnable ended);
}
