package dev.jfaas.provider;

import dev.jfaas.function.FunctionName;
import java.time.Instant;

/**
 * Which log lines to return.
 *
 * @param tail at most this many of the newest lines, or -1 for all
 * @param since only lines at or after this time, or null
 * @param instance only this replica's lines, or null
 */
public record LogQuery(FunctionName function, int tail, Instant since, String instance) {

    public boolean matches(LogLine line) {
        return (since == null || !line.timestamp().isBefore(since))
                && (instance == null || instance.equals(line.instance()));
    }
}
