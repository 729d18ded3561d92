package dev.jfaas.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {

    @TempDir
    Path dir;

    private static int synchronous(java.sql.Connection c) throws java.sql.SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery("PRAGMA synchronous")) {
            return rs.getInt(1);
        }
    }

    /**
     * Writes of a call's run are committed without an fsync, accepts with one; each sees what the
     * other wrote (two connections, one file), and both are there after a reopen.
     */
    @Test
    void unsyncedWritesCommitWithoutFsyncAndSeeTheSyncedOnes() throws Exception {
        var file = dir.resolve("t.db");
        try (var db = new SqliteDatabase(file, Durability.FULL, List.of("CREATE TABLE t (x INTEGER)"))) {
            assertThat(db.write(c -> synchronous(c)).get(5, TimeUnit.SECONDS)).isEqualTo(2); // FULL
            assertThat(db.writeUnsynced(c -> synchronous(c)).get(5, TimeUnit.SECONDS)).isEqualTo(1); // NORMAL
            var writes = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Integer>>();
            for (int i = 0; i < 200; i++) {
                int value = i;
                writes.add(i % 2 == 0 ? db.write(c -> db.update("INSERT INTO t VALUES (?)", value))
                        : db.writeUnsynced(c -> db.update("INSERT INTO t VALUES (?)", value)));
            }
            for (var write : writes) {
                assertThat(write.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            }
            var counted = db.writeUnsynced(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*), sum(x) FROM t")) {
                    return rs.getInt(1) + "/" + rs.getInt(2);
                }
            });
            assertThat(counted.get(5, TimeUnit.SECONDS)).isEqualTo("200/19900");
            int read = db.readLater(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM t")) {
                    return rs.getInt(1);
                }
            }).get(5, TimeUnit.SECONDS);
            assertThat(read).isEqualTo(200);
        }
        try (var db = new SqliteDatabase(file, Durability.FULL, List.of("CREATE TABLE t (x INTEGER)"))) {
            int read = db.read(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM t")) {
                    return rs.getInt(1);
                }
            });
            assertThat(read).isEqualTo(200);
        }
    }

    @Test
    void withNormalDurabilityNothingIsSynced() throws Exception {
        try (var db = new SqliteDatabase(dir.resolve("n.db"), Durability.NORMAL, List.of("CREATE TABLE t (x INTEGER)"))) {
            assertThat(db.write(c -> synchronous(c)).get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(db.writeUnsynced(c -> synchronous(c)).get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void aWriterThatDiesFailsEveryWriteAtOnceAndSaysSo() throws Exception {
        try (var db = new SqliteDatabase(dir.resolve("t.db"), Durability.NORMAL, List.of("CREATE TABLE t (x INTEGER)"))) {
            assertThat(db.problem()).isEmpty();
            var dying = db.write(c -> {
                throw new OutOfMemoryError("pretend the heap ran out");
            });
            assertThatThrownBy(() -> dying.get(5, TimeUnit.SECONDS)).hasMessageContaining("writer");
            assertThat(db.problem()).hasValueSatisfying(p -> assertThat(p).contains("died", "restart"));
            var after = db.write(c -> db.update("INSERT INTO t VALUES (1)"));
            assertThatThrownBy(() -> after.get(1, TimeUnit.SECONDS)).hasMessageContaining("died");
            assertThatThrownBy(() -> db.writeAndWait(c -> 1)).isInstanceOf(RuntimeException.class);
        }
    }

    /**
     * SQLite ends a transaction by itself when the disk fills; the writer must start clean after
     * that, or every later commit fails ("no transaction is active") even once space is back.
     * Needs root for a small tmpfs; skipped elsewhere.
     */
    @Test
    void writesWorkAgainOnceADiskThatFilledUpHasSpace() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false),
                "mounting a small tmpfs needs root: skipped");
        var mount = java.nio.file.Files.createTempDirectory("jfaas-sqlite-full");
        assertThat(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()).start().waitFor()).isZero();
        try (var db = new SqliteDatabase(mount.resolve("t.db"), Durability.FULL, List.of("CREATE TABLE t (x BLOB)"))) {
            var filler = mount.resolve("filler");
            try (var out = java.nio.file.Files.newOutputStream(filler)) {
                var chunk = new byte[65536];
                while (true) {
                    out.write(chunk);
                }
            } catch (java.io.IOException full) {
                // full, as wanted
            }
            var blob = new byte[200_000];
            var writes = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Integer>>();
            for (int i = 0; i < 50; i++) {
                writes.add(db.write(c -> db.update("INSERT INTO t VALUES (?)", (Object) blob)));
            }
            var failures = writes.stream().map(w -> w.handle((v, e) -> e).join()).filter(java.util.Objects::nonNull).toList();
            assertThat(failures).isNotEmpty();
            // each says the disk is full, even when SQLite ended the whole batch's transaction itself
            assertThat(failures).allSatisfy(e -> assertThat(e).isInstanceOf(dev.jfaas.health.StorageFull.class));
            java.nio.file.Files.delete(filler);
            for (int i = 0; i < 5; i++) {
                int inserted = db.writeAndWait(c -> db.update("INSERT INTO t VALUES (?)", (Object) new byte[10]));
                assertThat(inserted).isEqualTo(1);
            }
        } finally {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
        }
    }

    @Test
    void aFailingWriteIsRolledBackAloneAndTheWriterLivesOn() {
        try (var db = new SqliteDatabase(dir.resolve("t.db"), Durability.NORMAL, List.of("CREATE TABLE t (x INTEGER UNIQUE)"))) {
            db.writeAndWait(c -> db.update("INSERT INTO t VALUES (1)"));
            assertThatThrownBy(() -> db.writeAndWait(c -> db.update("INSERT INTO t VALUES (1)")))
                    .isNotInstanceOf(CompletionException.class);
            int inserted = db.writeAndWait(c -> db.update("INSERT INTO t VALUES (2)"));
            assertThat(inserted).isEqualTo(1);
            assertThat(db.problem()).isEmpty();
        }
    }
}
