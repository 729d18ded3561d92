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
