package dev.jfaas.queue.sqlite;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.CallFilter;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallRecord;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.FunctionRoom;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.store.sqlite.Durability;
import dev.jfaas.store.sqlite.SqlWork;
import dev.jfaas.store.sqlite.SqliteDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The embedded durable queue in SQLite (WAL): a row of state per call, which each run rewrites,
 * beside its request and its result, each written once. Every change goes through the
 * database's single writer, so leasing is atomic without locks, and concurrent accepts share one
 * fsync. A future completes only after its commit is on disk (with {@link Durability#FULL}).
 * Times are stored as epoch milliseconds.
 */
public final class SqliteCallQueue implements CallQueue {

    private static final String WAITING = "status IN ('queued','retrying','running')";
    private static final String READY = "status IN ('queued','retrying')";
    private static final String RECORD_COLUMNS = "call_id, function, namespace, queue, status, priority, attempts, "
            + "max_attempts, accepted_at, started_at, finished_at, status_code, duration, error, callback_status";
    private static final String CALL_COLUMNS = SqliteLeasing.CALL_COLUMNS;
    private static final String CALLS_WITH_INPUTS = SqliteLeasing.CALLS_WITH_INPUTS;

    private final SqliteDatabase db;
    private final Clock clock;
    private final SqliteLeasing leasing;

    public SqliteCallQueue(Path file, Durability durability, Clock clock) {
        this.db = new SqliteDatabase(file, durability, CallTables.SCHEMA);
        this.clock = clock;
        this.leasing = new SqliteLeasing(db);
    }

    /** Opens the queue file {@code queue.db} in a data directory. */
    public static SqliteCallQueue open(Path dataDir, Durability durability) {
        return new SqliteCallQueue(dataDir.resolve("queue.db"), durability, Clock.systemUTC());
    }

    private long now() {
        return clock.millis();
    }

    private <T> CompletableFuture<T> write(SqlWork<T> work) {
        return db.write(work);
    }

    /**
     * For the writes of a call's run (lease, renewal, its end, a retry, the callback's outcome):
     * lost to a power failure, the call runs again (at least once), so they need not wait for
     * an fsync. Accepts and what people do (cancel, replay, purge) always do.
     */
    private <T> CompletableFuture<T> runWrite(SqlWork<T> work) {
        return db.writeUnsynced(work);
    }

    private <T> CompletableFuture<T> read(SqlWork<T> work) {
        return db.readLater(work);
    }

    @Override
    public CompletableFuture<Accepted> enqueue(QueuedCall call) {
        var headers = CallRows.toJson(call.headers());
        return write(c -> {
            if (call.idempotencyKey() != null) {
                var st = db.writeStatement("SELECT call_id FROM calls WHERE namespace=? AND function=? AND idempotency_key=?");
                SqliteDatabase.bind(st, call.function().namespace(), call.function().name(), call.idempotencyKey());
                try (var rs = st.executeQuery()) {
                    if (rs.next()) {
                        return new Accepted(rs.getString(1), Accepted.Kind.IDEMPOTENT_REPEAT);
                    }
                }
            }
            var st = db.writeStatement("INSERT OR IGNORE INTO calls(call_id, queue, namespace, function, priority, status, "
                    + "max_attempts, not_before, accepted_at, callback_url, idempotency_key) "
                    + "VALUES (?,?,?,?,?,'queued',?,?,?,?,?)");
            long accepted = call.acceptedAt().toEpochMilli();
            SqliteDatabase.bind(st, call.callId(), call.queue(), call.function().namespace(), call.function().name(), call.priority(),
                    call.maxAttempts(), accepted, accepted, call.callbackUrl(), call.idempotencyKey());
            if (st.executeUpdate() != 1) {
                return new Accepted(call.callId(), Accepted.Kind.ID_TAKEN);
            }
            var input = db.writeStatement("INSERT INTO call_inputs(seq, method, path, query, headers, body) "
                    + "VALUES (last_insert_rowid(),?,?,?,?,?)");
            SqliteDatabase.bind(input, call.method(), call.path(), call.query(), headers, call.body());
            input.executeUpdate();
            leasing.waiting(call.queue(), call.function());
            return new Accepted(call.callId(), Accepted.Kind.NEW);
        }).exceptionallyCompose(e -> CompletableFuture.failedFuture(
                new QueueUnavailable("the embedded queue could not store the call: " + cause(e).getMessage(), cause(e))));
    }

    @Override
    public CompletableFuture<List<Lease>> lease(String queue, int max, Duration leaseTime, FunctionRoom room) {
        return runWrite(c -> leasing.lease(queue, max, leaseTime, room, now()));
    }

    /** The row of a call still held by this lease (not ended, cancelled or taken over since). */
    private static final String HELD = " WHERE seq=? AND lease_token=? AND status='running'";

    private static long seq(Lease lease) {
        return SqliteLeasing.seq(lease);
    }

    @Override
    public CompletableFuture<Boolean> renew(Lease lease, Duration leaseTime) {
        return runWrite(c -> db.update("UPDATE calls SET lease_until=? " + HELD,
                now() + leaseTime.toMillis(), seq(lease), lease.token()) == 1);
    }

    @Override
    public CompletableFuture<Boolean> finish(Lease lease, CallStatus status, CallResponse response, String error) {
        if (!status.isFinal() || status == CallStatus.CANCELLED) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not an end state: " + status));
        }
        var headers = response == null ? null : CallRows.toJson(response.headers());
        long seq = seq(lease);
        return runWrite(c -> {
            boolean held = db.update("UPDATE calls SET status=?, finished_at=?, lease_token=NULL, lease_until=NULL, "
                            + "status_code=?, duration=?, error=? " + HELD,
                    status.wire(), now(), response == null ? null : response.status(),
                    response == null ? null : response.durationSeconds(), error, seq, lease.token()) == 1;
            // A replayed call's earlier result gives way to this run's, or to none
            if (held && response != null) {
                db.update("INSERT OR REPLACE INTO call_results(seq, headers, body, truncated) VALUES (?,?,?,?)",
                        seq, headers, response.body(), response.truncated() ? 1 : 0);
            } else if (held) {
                db.update("DELETE FROM call_results WHERE seq=?", seq);
            }
            return held;
        });
    }

    @Override
    public CompletableFuture<Boolean> retryLater(Lease lease, Instant notBefore, CallResponse response, String error) {
        leasing.waiting(lease.call().queue(), lease.call().function());
        return runWrite(c -> db.update("UPDATE calls SET status='retrying', not_before=?, lease_token=NULL, lease_until=NULL, "
                        + "status_code=?, duration=?, error=? " + HELD,
                notBefore.toEpochMilli(), response == null ? null : response.status(),
                response == null ? null : response.durationSeconds(), error, seq(lease), lease.token()) == 1);
    }

    @Override
    public CompletableFuture<Boolean> pushBack(Lease lease, Instant notBefore) {
        leasing.waiting(lease.call().queue(), lease.call().function());
        return runWrite(c -> db.update("UPDATE calls SET status=CASE WHEN attempts>1 THEN 'retrying' ELSE 'queued' END, "
                + "attempts=attempts-1, not_before=?, lease_token=NULL, lease_until=NULL " + HELD,
                notBefore.toEpochMilli(), seq(lease), lease.token()) == 1);
    }

    @Override
    public CompletableFuture<Boolean> cancel(String callId) {
        return write(c -> db.update("UPDATE calls SET status='cancelled', finished_at=?, lease_token=NULL, lease_until=NULL "
                + "WHERE call_id=? AND " + WAITING, now(), callId) == 1);
    }

    @Override
    public CompletableFuture<Void> recordCallback(String callId, String callbackStatus) {
        return runWrite(c -> {
            db.update("UPDATE calls SET callback_status=? WHERE call_id=?", callbackStatus, callId);
            return null;
        });
    }

    @Override
    public CompletableFuture<Optional<CallRecord>> record(String callId) {
        return read(c -> {
            try (var st = c.prepareStatement("SELECT " + RECORD_COLUMNS + " FROM calls WHERE call_id=?")) {
                st.setString(1, callId);
                try (var rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(CallRows.toRecord(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public CompletableFuture<Optional<CallResponse>> result(String callId) {
        return read(c -> {
            try (var st = c.prepareStatement("SELECT status_code, headers, body, truncated, duration "
                    + "FROM calls JOIN call_results USING (seq) WHERE call_id=? AND status IN ('succeeded','failed','dead')")) {
                st.setString(1, callId);
                try (var rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new CallResponse(rs.getInt(1), CallRows.fromJson(rs.getString(2)), rs.getBytes(3),
                            rs.getInt(4) == 1, rs.getDouble(5)));
                }
            }
        });
    }

    @Override
    public CompletableFuture<List<CallRecord>> records(CallFilter filter) {
        var where = new StringBuilder("1=1");
        var args = new ArrayList<Object>();
        if (filter.function() != null) {
            where.append(" AND namespace=? AND function=?");
            args.add(filter.function().namespace());
            args.add(filter.function().name());
        }
        if (filter.status() != null) {
            where.append(" AND status=?");
            args.add(filter.status().wire());
        }
        if (filter.queue() != null) {
            where.append(" AND queue=?");
            args.add(filter.queue());
        }
        args.add(filter.limit());
        return read(c -> {
            try (var st = c.prepareStatement("SELECT " + RECORD_COLUMNS + " FROM calls WHERE " + where + " ORDER BY seq DESC LIMIT ?")) {
                SqliteDatabase.bind(st, args.toArray());
                var out = new ArrayList<CallRecord>();
                try (var rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(CallRows.toRecord(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Three queries, each on its own partial index, so stats never scan finished calls. */
    @Override
    public CompletableFuture<List<QueueStats>> stats() {
        return read(c -> {
            long now = now();
            record Key(String queue, String namespace, String function) {}
            var rows = new java.util.TreeMap<Key, long[]>(java.util.Comparator.comparing(Key::queue)
                    .thenComparing(Key::namespace).thenComparing(Key::function));
            try (var st = c.prepareStatement("SELECT queue, namespace, function, count(*), sum(not_before>?), "
                    + "min(accepted_at) FROM calls WHERE " + READY + " GROUP BY queue, namespace, function")) {
                st.setLong(1, now);
                try (var rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.put(new Key(rs.getString(1), rs.getString(2), rs.getString(3)),
                                new long[] {rs.getLong(4), 0, rs.getLong(5), 0, now - rs.getLong(6)});
                    }
                }
            }
            try (var st = c.prepareStatement("SELECT queue, namespace, function, count(*) FROM calls WHERE status='running' "
                    + "GROUP BY queue, namespace, function"); var rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(new Key(rs.getString(1), rs.getString(2), rs.getString(3)),
                            k -> new long[] {0, 0, 0, 0, -1})[1] = rs.getLong(4);
                }
            }
            try (var st = c.prepareStatement("SELECT queue, namespace, function, count(*) FROM calls WHERE status='dead' "
                    + "GROUP BY queue, namespace, function"); var rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(new Key(rs.getString(1), rs.getString(2), rs.getString(3)),
                            k -> new long[] {0, 0, 0, 0, -1})[3] = rs.getLong(4);
                }
            }
            var out = new ArrayList<QueueStats>();
            rows.forEach((k, v) -> out.add(new QueueStats(k.queue(), k.function(), k.namespace(), v[0], v[1], v[2], v[3],
                    v[4] < 0 ? 0 : Math.max(0, v[4] / 1000.0))));
            return out;
        });
    }

    @Override
    public CompletableFuture<Integer> replayDeadLetters(String queue, FunctionName function) {
        leasing.forgetFunctions();
        return write(c -> function == null
                ? db.update("UPDATE calls SET " + REQUEUE + " WHERE status='dead' AND queue=?", now(), queue)
                : db.update("UPDATE calls SET " + REQUEUE + " WHERE status='dead' AND queue=? AND namespace=? AND function=?",
                        now(), queue, function.namespace(), function.name()));
    }

    @Override
    public CompletableFuture<Optional<QueuedCall>> deadLetter(String callId) {
        return read(c -> {
            try (var st = c.prepareStatement("SELECT " + CALL_COLUMNS + CALLS_WITH_INPUTS
                    + "WHERE call_id=? AND status IN ('dead','failed')")) {
                st.setString(1, callId);
                try (var rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(CallRows.toCall(rs, 1)) : Optional.empty();
                }
            }
        });
    }

    private static final String REQUEUE = "status='queued', attempts=0, not_before=?, finished_at=NULL, error=NULL, "
            + "lease_token=NULL, lease_until=NULL";

    @Override
    public CompletableFuture<Boolean> replay(String callId) {
        leasing.forgetFunctions();
        return write(c -> db.update("UPDATE calls SET " + REQUEUE + " WHERE call_id=? AND status IN ('dead','failed')",
                now(), callId) == 1);
    }

    @Override
    public CompletableFuture<Integer> purgeDeadLetters(String queue, FunctionName function) {
        return write(c -> function == null
                ? db.update("DELETE FROM calls WHERE status='dead' AND queue=?", queue)
                : db.update("DELETE FROM calls WHERE status='dead' AND queue=? AND namespace=? AND function=?",
                        queue, function.namespace(), function.name()));
    }

    @Override
    public CompletableFuture<Integer> forgetFinishedBefore(Instant cutoff) {
        return write(c -> db.update("DELETE FROM calls WHERE finished_at IS NOT NULL AND finished_at<? AND NOT " + WAITING,
                cutoff.toEpochMilli()));
    }

    private static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    @Override
    public java.util.Optional<String> problem() {
        return db.problem();
    }

    @Override
    public void close() {
        db.close();
    }
}
