package dev.jfaas.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A data directory that was used before but whose store or queue file is missing or empty lost
 * what that file held: a start says so, loudly, rather than begin empty as if new. Asked before
 * anything is opened (opening makes the files).
 */
public final class LostFiles {

    /** Files only a data directory that has been used holds. */
    private static final String[] SIGNS_OF_USE = {"jfaas.db", "queue.db", "basic-auth-password", "secrets.key", "gateway-id"};

    private LostFiles() {}

    /** What a data directory lost, before a start opens anything in it. */
    public static java.util.List<String> before(Path dataDir, boolean embeddedQueue) {
        var lost = new java.util.ArrayList<String>();
        lost(dataDir, "jfaas.db", "its functions, secrets and namespaces").ifPresent(lost::add);
        if (embeddedQueue) {
            lost(dataDir, "queue.db", "its accepted async calls, their results and its dead letters").ifPresent(lost::add);
        }
        return lost;
    }

    /**
     * @param what what the file held, for the message ("its functions, secrets and namespaces")
     * @return the message to log, if the file was lost
     */
    public static Optional<String> lost(Path dataDir, String file, String what) {
        var path = dataDir.resolve(file);
        try {
            boolean used = false;
            for (var sign : SIGNS_OF_USE) {
                var other = dataDir.resolve(sign);
                used |= !sign.equals(file) && Files.exists(other) && Files.size(other) > 0;
            }
            boolean missing = !Files.exists(path);
            if (used && (missing || Files.size(path) == 0)) {
                return Optional.of(path + " is " + (missing ? "missing" : "empty") + ": this data directory was used before, and "
                        + what + " are GONE; jfaas starts with none (restore the file from a backup to get them back)");
            }
        } catch (IOException e) {
            return Optional.of("cannot look at " + path + ": " + e.getMessage());
        }
        return Optional.empty();
    }
}
