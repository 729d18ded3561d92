package dev.jfaas.store.sqlite;

import dev.jfaas.function.FunctionName;
import dev.jfaas.store.FiringStore;
import java.time.Instant;
import java.util.Optional;

/** {@link FiringStore} in the store's {@code firings} table. */
final class SqliteFirings implements FiringStore {

    private final SqliteDatabase db;

    SqliteFirings(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<Instant> lastFiring(FunctionName function) {
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT last_at FROM firings WHERE namespace=? AND name=?")) {
                st.setString(1, function.namespace());
                st.setString(2, function.name());
                try (var rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void recordFiring(FunctionName function, Instant scheduledAt) {
        db.writeAndWait(c -> db.update("INSERT INTO firings(namespace, name, last_at) VALUES (?,?,?) "
                + "ON CONFLICT(namespace, name) DO UPDATE SET last_at=max(last_at, excluded.last_at)",
                function.namespace(), function.name(), scheduledAt.toEpochMilli()));
    }

    @Override
    public void forgetFirings(FunctionName function) {
        db.writeAndWait(c -> db.update("DELETE FROM firings WHERE namespace=? AND name=?", function.namespace(), function.name()));
    }
}
