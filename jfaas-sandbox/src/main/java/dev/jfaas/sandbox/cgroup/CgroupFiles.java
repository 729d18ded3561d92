package dev.jfaas.sandbox.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reading and writing the one-value and key-value files cgroups are made of. */
final class CgroupFiles {

    private CgroupFiles() {}

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    static long readLong(Path file) {
        try {
            var text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The value of {@code key} in a file of "key value" lines (memory.stat, memory.events, cpu.stat). */
    static Optional<Long> readKey(Path file, String key) {
        try {
            for (var line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                int space = line.indexOf(' ');
                if (space > 0 && line.regionMatches(0, key, 0, key.length()) && space == key.length()) {
                    return Optional.of(Long.parseLong(line.substring(space + 1).strip()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Kills every process listed in a cgroup.procs file, then removes the directory (empty by then). */
    static void killAndRemove(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        for (int round = 0; round < 50; round++) {
            try {
                var pids = Files.readAllLines(dir.resolve("cgroup.procs"));
                if (pids.isEmpty()) {
                    Files.delete(dir);
                    return;
                }
                for (var pid : pids) {
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
                Thread.sleep(10);
            } catch (IOException | NumberFormatException e) {
                // gone already, or busy for a moment: the next round sees
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
