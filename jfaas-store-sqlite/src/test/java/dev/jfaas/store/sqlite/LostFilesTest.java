package dev.jfaas.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loud when a used data directory lost a file; quiet about a full disk's every failed commit. */
class LostFilesTest {

    @TempDir
    Path data;

    @Test
    void aNewDataDirectoryLostNothing() {
        assertThat(LostFiles.lost(data, "queue.db", "calls")).isEmpty();
        assertThat(LostFiles.lost(data, "jfaas.db", "functions")).isEmpty();
    }

    @Test
    void anEmptiedOrMissingFileInAUsedDirectoryIsSaid() throws IOException {
        Files.writeString(data.resolve("jfaas.db"), "SQLite format 3");
        assertThat(LostFiles.lost(data, "queue.db", "its accepted async calls")).hasValueSatisfying(message ->
                assertThat(message).contains("queue.db is missing", "its accepted async calls are GONE"));
        Files.writeString(data.resolve("queue.db"), "");
        assertThat(LostFiles.lost(data, "queue.db", "its accepted async calls")).hasValueSatisfying(message ->
                assertThat(message).contains("queue.db is empty"));
        Files.writeString(data.resolve("queue.db"), "SQLite format 3");
        assertThat(LostFiles.lost(data, "queue.db", "its accepted async calls")).isEmpty();
    }

    @Test
    void beforeAStartOnlyAUsedDirectorySaysWhatItLost() throws IOException {
        assertThat(LostFiles.before(data, true)).as("a new data directory").isEmpty();
        Files.writeString(data.resolve("secrets.key"), "a key");
        Files.writeString(data.resolve("jfaas.db"), "");
        assertThat(LostFiles.before(data, true)).hasSize(2).anySatisfy(m -> assertThat(m).contains("jfaas.db is empty"))
                .anySatisfy(m -> assertThat(m).contains("queue.db is missing"));
        assertThat(LostFiles.before(data, false)).as("a broker's queue is not a file here").hasSize(1);
    }

    @Test
    void aFailureThatRepeatsIsLoggedOnceAPeriodWithHowManyWereNot() {
        var now = new AtomicLong();
        var failures = new RepeatedFailure(Duration.ofMinutes(1), now::get);
        assertThat(failures.occurred("disk full")).isEqualTo(new RepeatedFailure.Report("disk full", 0));
        for (int i = 0; i < 239; i++) {
            now.addAndGet(Duration.ofMillis(250).toNanos());
            assertThat(failures.occurred("disk full")).isNull();
        }
        now.addAndGet(Duration.ofMillis(250).toNanos());
        assertThat(failures.occurred("disk full")).isEqualTo(new RepeatedFailure.Report("disk full", 239));
        assertThat(failures.occurred("another problem")).as("a new message at once").isNotNull();
        failures.cleared();
        assertThat(failures.occurred("another problem")).as("after it cleared").isNotNull();
    }
}
