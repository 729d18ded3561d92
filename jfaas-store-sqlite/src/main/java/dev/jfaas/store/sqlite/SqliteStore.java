package dev.jfaas.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfaas.function.FunctionDeployment;
import dev.jfaas.function.FunctionName;
import dev.jfaas.store.FiringStore;
import dev.jfaas.store.FunctionStore;
import dev.jfaas.store.Namespace;
import dev.jfaas.store.NamespaceStore;
import dev.jfaas.store.Secret;
import dev.jfaas.store.SecretStore;
import dev.jfaas.store.StoredFunction;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Deployments, secrets and namespaces in the embedded SQLite database. */
public final class SqliteStore implements FunctionStore, SecretStore, NamespaceStore, AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SqliteStore.class);

    private static final List<String> SCHEMA = List.of(
            """
            CREATE TABLE functions (
              namespace TEXT NOT NULL,
              name TEXT NOT NULL,
              deployment TEXT NOT NULL,
              replicas INTEGER NOT NULL,
              created_at TEXT NOT NULL,
              PRIMARY KEY (namespace, name))""",
            """
            CREATE TABLE secrets (
              namespace TEXT NOT NULL,
              name TEXT NOT NULL,
              value BLOB NOT NULL,
              PRIMARY KEY (namespace, name))""",
            """
            CREATE TABLE namespaces (
              name TEXT PRIMARY KEY,
              labels TEXT NOT NULL,
              annotations TEXT NOT NULL)""",
            // Values written before secrets were sealed have sealed = 0 and are sealed at open.
            "ALTER TABLE secrets ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0",
            // The last scheduled firing queued per function (SqliteFirings).
            """
            CREATE TABLE firings (
              namespace TEXT NOT NULL,
              name TEXT NOT NULL,
              last_at INTEGER NOT NULL,
              PRIMARY KEY (namespace, name))""");

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final SqliteDatabase db;
    private final SecretCipher cipher;
    private final ObjectMapper json = new ObjectMapper();

    public SqliteStore(SqliteDatabase db, SecretCipher cipher) {
        this.db = db;
        this.cipher = cipher;
        sealOldValues();
    }

    /** Scheduled firings, kept in the same file. */
    public FiringStore firings() {
        return new SqliteFirings(db);
    }

    /** Opens (creating if needed) the store file {@code jfaas.db} in a data directory. */
    public static SqliteStore open(Path dataDir, Durability durability, SecretCipher cipher) {
        var file = dataDir.resolve("jfaas.db");
        return new SqliteStore(new SqliteDatabase(file, durability, SCHEMA), cipher);
    }

    /** Seals the values an older jfaas stored in plain text. */
    private void sealOldValues() {
        record Plain(String namespace, String name, byte[] value) {}
        var plain = db.read(c -> {
            var out = new ArrayList<Plain>();
            try (var st = c.prepareStatement("SELECT namespace, name, value FROM secrets WHERE sealed = 0");
                    var rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Plain(rs.getString(1), rs.getString(2), rs.getBytes(3)));
                }
            }
            return out;
        });
        for (var secret : plain) {
            db.writeAndWait(c -> db.update("UPDATE secrets SET value=?, sealed=1 WHERE namespace=? AND name=?",
                    cipher.seal(secret.namespace(), secret.name(), secret.value()), secret.namespace(), secret.name()));
        }
    }

    public SqliteDatabase database() {
        return db;
    }

    /** Why the store cannot be written, or empty. */
    public Optional<String> problem() {
        return db.problem();
    }

    // ---- functions

    @Override
    public void save(StoredFunction function) {
        var deployment = function.deployment();
        var text = toJson(deployment);
        db.writeAndWait(c -> {
            try (var st = c.prepareStatement("""
                    INSERT INTO functions(namespace, name, deployment, replicas, created_at) VALUES (?,?,?,?,?)
                    ON CONFLICT(namespace, name) DO UPDATE SET deployment=excluded.deployment,
                      replicas=excluded.replicas, created_at=excluded.created_at""")) {
                st.setString(1, deployment.namespace());
                st.setString(2, deployment.service());
                st.setString(3, text);
                st.setInt(4, function.replicas());
                st.setString(5, function.createdAt().toString());
                return st.executeUpdate();
            }
        });
    }

    @Override
    public void delete(FunctionName name) {
        db.writeAndWait(c -> db.update("DELETE FROM functions WHERE namespace=? AND name=?",
                name.namespace(), name.name()));
    }

    @Override
    public List<StoredFunction> loadFunctions() {
        return db.read(c -> {
            var out = new ArrayList<StoredFunction>();
            try (var st = c.prepareStatement("SELECT deployment, replicas, created_at FROM functions ORDER BY namespace, name");
                    var rs = st.executeQuery()) {
                while (rs.next()) {
                    var deployment = fromJson(rs.getString(1), FunctionDeployment.class);
                    out.add(new StoredFunction(deployment, rs.getInt(2), Instant.parse(rs.getString(3))));
                }
            }
            return out;
        });
    }

    // ---- secrets

    @Override
    public boolean createSecret(Secret secret) {
        var sealed = cipher.seal(secret.namespace(), secret.name(), secret.value());
        return db.writeAndWait(c -> db.update("INSERT OR IGNORE INTO secrets(namespace, name, value, sealed) VALUES (?,?,?,1)",
                secret.namespace(), secret.name(), sealed)) == 1;
    }

    @Override
    public boolean updateSecret(Secret secret) {
        var sealed = cipher.seal(secret.namespace(), secret.name(), secret.value());
        return db.writeAndWait(c -> db.update("UPDATE secrets SET value=?, sealed=1 WHERE namespace=? AND name=?",
                sealed, secret.namespace(), secret.name())) == 1;
    }

    @Override
    public boolean deleteSecret(String namespace, String name) {
        return db.writeAndWait(c -> db.update("DELETE FROM secrets WHERE namespace=? AND name=?", namespace, name)) == 1;
    }

    @Override
    public List<String> secretNames(String namespace) {
        return db.read(c -> {
            var out = new ArrayList<String>();
            try (var st = c.prepareStatement("SELECT name FROM secrets WHERE namespace=? ORDER BY name")) {
                st.setString(1, namespace);
                try (var rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Optional<byte[]> secretValue(String namespace, String name) {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT value FROM secrets WHERE namespace=? AND name=?")) {
                st.setString(1, namespace);
                st.setString(2, name);
                try (var rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(cipher.open(namespace, name, rs.getBytes(1))) : Optional.empty();
                }
            }
        });
    }

    // ---- namespaces

    @Override
    public List<Namespace> namespaces() {
        return db.read(c -> {
            var out = new ArrayList<Namespace>();
            out.add(new Namespace(FunctionName.DEFAULT_NAMESPACE, Map.of(), Map.of()));
            try (var st = c.prepareStatement("SELECT name, labels, annotations FROM namespaces ORDER BY name");
                    var rs = st.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getString(1).equals(FunctionName.DEFAULT_NAMESPACE)) {
                        out.add(new Namespace(rs.getString(1), fromJson(rs.getString(2), STRING_MAP),
                                fromJson(rs.getString(3), STRING_MAP)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Optional<Namespace> namespace(String name) {
        return namespaces().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    @Override
    public boolean createNamespace(Namespace ns) {
        if (ns.name().equals(FunctionName.DEFAULT_NAMESPACE)) {
            return false;
        }
        return db.writeAndWait(c -> db.update("INSERT OR IGNORE INTO namespaces(name, labels, annotations) VALUES (?,?,?)",
                ns.name(), toJson(ns.labels()), toJson(ns.annotations()))) == 1;
    }

    @Override
    public boolean updateNamespace(Namespace ns) {
        if (ns.name().equals(FunctionName.DEFAULT_NAMESPACE)) {
            return createNamespaceRow(ns);
        }
        return db.writeAndWait(c -> db.update("UPDATE namespaces SET labels=?, annotations=? WHERE name=?",
                toJson(ns.labels()), toJson(ns.annotations()), ns.name())) == 1;
    }

    private boolean createNamespaceRow(Namespace ns) {
        db.writeAndWait(c -> db.update("INSERT OR REPLACE INTO namespaces(name, labels, annotations) VALUES (?,?,?)",
                ns.name(), toJson(ns.labels()), toJson(ns.annotations())));
        return true;
    }

    @Override
    public boolean deleteNamespace(String name) {
        // Its secrets go with it, in the same transaction: a namespace made again later with the
        // same name must not find the old one's secrets there.
        return db.writeAndWait(c -> {
            db.update("DELETE FROM secrets WHERE namespace=?", name);
            return db.update("DELETE FROM namespaces WHERE name=?", name);
        }) == 1;
    }

    // ----

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T fromJson(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt " + type.getSimpleName() + " in the store: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T fromJson(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt record in the store: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
