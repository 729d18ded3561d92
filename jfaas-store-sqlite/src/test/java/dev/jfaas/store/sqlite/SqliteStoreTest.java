package dev.jfaas.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.store.Namespace;
import dev.jfaas.store.Secret;
import dev.jfaas.store.StoredFunction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {

    @TempDir
    Path dir;

    @Test
    void functionsSurviveReopening() {
        var deployment = new FunctionDeployment("fn", "img", "openfaas-fn", "cat", Map.of("mode", "http"), List.of(),
                List.of("s"), Map.of("l", "1"), Map.of("a", "2"), null, null, null);
        var created = Instant.parse("2026-01-02T03:04:05Z");
        try (var store = SqliteStore.open(dir, Durability.FULL, SecretCipher.from(null, dir.resolve("secrets.key")))) {
            store.save(new StoredFunction(deployment, 3, created));
            store.save(new StoredFunction(deployment, 4, created));
        }
        try (var store = SqliteStore.open(dir, Durability.FULL, SecretCipher.from(null, dir.resolve("secrets.key")))) {
            assertThat(store.loadFunctions()).containsExactly(new StoredFunction(deployment, 4, created));
            store.delete(FunctionName.of("fn", null));
            assertThat(store.loadFunctions()).isEmpty();
        }
    }

    @Test
    void theLastFiringOfEachFunctionSurvivesReopeningAndNeverGoesBack() {
        var fn = new dev.jfaas.function.FunctionName("tick", "openfaas-fn");
        var at = java.time.Instant.parse("2026-12-01T10:05:00Z");
        try (var store = SqliteStore.open(dir, Durability.FULL, SecretCipher.from(null, dir.resolve("secrets.key")))) {
            assertThat(store.firings().lastFiring(fn)).isEmpty();
            store.firings().recordFiring(fn, at);
            store.firings().recordFiring(fn, at.minusSeconds(300)); // a late writer does not move it back
        }
        try (var store = SqliteStore.open(dir, Durability.FULL, SecretCipher.from(null, dir.resolve("secrets.key")))) {
            assertThat(store.firings().lastFiring(fn)).contains(at);
            store.firings().forgetFirings(fn);
            assertThat(store.firings().lastFiring(fn)).isEmpty();
        }
    }

    @Test
    void secretsKeepBytesAndReportConflicts() {
        try (var store = SqliteStore.open(dir, Durability.FULL, SecretCipher.from(null, dir.resolve("secrets.key")))) {
            assertThat(store.createSecret(new Secret("k", "openfaas-fn", new byte[] {0, 7}))).isTrue();
            assertThat(store.createSecret(new Secret("k", "openfaas-fn", new byte[] {1}))).isFalse();
            assertThat(store.secretValue("openfaas-fn", "k")).hasValueSatisfying(v -> assertThat(v).containsExactly(0, 7));
            assertThat(store.updateSecret(new Secret("k", "openfaas-fn", new byte[] {9}))).isTrue();
            assertThat(store.updateSecret(new Secret("x", "openfaas-fn", new byte[] {9}))).isFalse();
            assertThat(store.secretNames("openfaas-fn")).containsExactly("k");
            assertThat(store.secretNames("other")).isEmpty();
            assertThat(store.deleteSecret("openfaas-fn", "k")).isTrue();
            assertThat(store.deleteSecret("openfaas-fn", "k")).isFalse();
        }
    }

    @Test
    void secretValuesAreSealedOnDiskAndTheFilesAreOwnerOnly() throws Exception {
        try (var store = SqliteStore.open(dir, Durability.FULL, SecretCipher.from(null, dir.resolve("secrets.key")))) {
            store.createSecret(new Secret("api", "openfaas-fn", "plain-text-password".getBytes()));
            assertThat(store.secretValue("openfaas-fn", "api")).hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("plain-text-password"));
        }
        for (var file : java.nio.file.Files.list(dir).filter(f -> f.getFileName().toString().startsWith("jfaas.db")).toList()) {
            assertThat(new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain("plain-text-password");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void valuesAnOlderVersionStoredInPlainTextAreSealedAtOpen() throws Exception {
        var key = SecretCipher.from(null, dir.resolve("secrets.key"));
        try (var store = SqliteStore.open(dir, Durability.FULL, key)) {
            store.database().writeAndWait(c -> store.database().update(
                    "INSERT INTO secrets(namespace, name, value, sealed) VALUES ('openfaas-fn', 'old', ?, 0)", "from-before".getBytes()));
        }
        try (var store = SqliteStore.open(dir, Durability.FULL, key)) {
            assertThat(store.secretValue("openfaas-fn", "old")).hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("from-before"));
            var sealed = store.database().read(c -> {
                try (var st = c.prepareStatement("SELECT sealed FROM secrets WHERE name = 'old'"); var rs = st.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : -1;
                }
            });
            assertThat(sealed).isEqualTo(1);
        }
    }

    @Test
    void defaultNamespaceAlwaysExists() {
        try (var store = SqliteStore.open(dir, Durability.FULL, SecretCipher.from(null, dir.resolve("secrets.key")))) {
            assertThat(store.namespaces()).extracting(Namespace::name).containsExactly("openfaas-fn");
            assertThat(store.createNamespace(new Namespace("dev", Map.of("a", "b"), null))).isTrue();
            assertThat(store.createNamespace(new Namespace("dev", null, null))).isFalse();
            assertThat(store.namespace("dev")).hasValue(new Namespace("dev", Map.of("a", "b"), Map.of()));
            assertThat(store.createSecret(new dev.jfaas.store.Secret("token", "dev", "old".getBytes()))).isTrue();
            assertThat(store.deleteNamespace("dev")).isTrue();
            assertThat(store.namespace("dev")).isEmpty();
            assertThat(store.createNamespace(new Namespace("dev", null, null))).isTrue();
            assertThat(store.secretNames("dev")).as("the old namespace's secrets went with it").isEmpty();
        }
    }

    @Test
    void concurrentWritesShareCommitsAndAllLand() throws Exception {
        var schema = List.of("CREATE TABLE t (v INTEGER)");
        var writers = 64;
        var perWriter = 50;
        var commits = new AtomicInteger();
        try (var db = new SqliteDatabase(dir.resolve("group.db"), Durability.FULL, schema)) {
            var futures = new ArrayList<CompletableFuture<Integer>>();
            for (int w = 0; w < writers; w++) {
                for (int i = 0; i < perWriter; i++) {
                    int value = w * perWriter + i;
                    futures.add(db.write(c -> {
                        try (var st = c.prepareStatement("INSERT INTO t VALUES (?)")) {
                            st.setInt(1, value);
                            return st.executeUpdate();
                        }
                    }));
                }
            }
            // One failing write is rolled back alone; the others in its batch still commit.
            var failing = db.write(c -> {
                try (var st = c.createStatement()) {
                    return st.executeUpdate("INSERT INTO missing_table VALUES (1)");
                }
            });
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            org.assertj.core.api.Assertions.assertThatThrownBy(failing::join).hasMessageContaining("missing_table");
            int rows = db.read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(rows).isEqualTo(writers * perWriter);
            commits.set(rows);
        }
        try (var reopened = new SqliteDatabase(dir.resolve("group.db"), Durability.FULL, schema)) {
            int rows = reopened.read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(rows).isEqualTo(commits.get());
        }
    }
}
