package dev.jfaas.queue.sqlite;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.FairShare;
import dev.jfaas.queue.FunctionRoom;
import dev.jfaas.queue.Lease;
import dev.jfaas.store.sqlite.SqliteDatabase;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Leases on the writer thread: calls whose lease ran out first (their worker died), then the
 * waiting calls of the functions with work, in {@link FairShare}'s turns. Each function's calls
 * are read from an index of their own, so a function with a large backlog costs the others
 * nothing: a lease reads the functions with waiting calls (one index step each) and then only
 * as many calls as it can take.
 */
final class SqliteLeasing {

    static final String CALL_COLUMNS = "call_id, namespace, function, queue, priority, method, path, query, "
            + "headers, body, callback_url, idempotency_key, accepted_at, max_attempts";
    /** A call with its request, for {@link #CALL_COLUMNS}. */
    static final String CALLS_WITH_INPUTS = " FROM calls JOIN call_inputs USING (seq) ";
    private static final String READY = "status IN ('queued','retrying')";
    /** The next function with waiting calls in a namespace, after one; a seek along the index. */
    private static final String NEXT_FUNCTION = "SELECT function FROM calls WHERE queue=? AND namespace=? AND function>? AND "
            + READY + " ORDER BY function LIMIT 1";
    /** The first function with waiting calls in the next namespace; a seek along the index. */
    private static final String NEXT_NAMESPACE = "SELECT namespace, function FROM calls WHERE queue=? AND namespace>? AND "
            + READY + " ORDER BY namespace, function LIMIT 1";

    /**
     * How long a read of the functions with waiting calls is trusted: a drain of one function
     * leases a thousand times a second, and listing the functions each time cost it ~15 %
     * (bench/README.md). Calls stored for a function the list lacks drop it at once
     * ({@link #waiting}); a function whose calls ran out only costs an empty select meanwhile.
     */
    private static final long KNOWN_FOR_NANOS = 50_000_000;

    private final SqliteDatabase db;
    private final FairShare fairShare = new FairShare();
    /** Per queue: the functions with waiting calls as last read. */
    private final Map<String, Known> known = new java.util.concurrent.ConcurrentHashMap<>();

    private record Known(java.util.Set<FunctionName> functions, long until) {}

    SqliteLeasing(SqliteDatabase db) {
        this.db = db;
    }

    /** A call of {@code function} waits in {@code queue} now (stored, retried, put back). */
    void waiting(String queue, FunctionName function) {
        var read = known.get(queue);
        if (read != null && !read.functions.contains(function)) {
            known.remove(queue, read);
        }
    }

    /** Calls wait again whose queue and function are not known here (replays): every list is read anew. */
    void forgetFunctions() {
        known.clear();
    }

    /** On the writer thread, inside its transaction. */
    List<Lease> lease(String queue, int max, Duration leaseTime, FunctionRoom room, long now) throws SQLException {
        var leases = new ArrayList<Lease>();
        var taken = new HashMap<FunctionName, Integer>();
        var expired = db.writeStatement("SELECT seq, " + CALL_COLUMNS + ", attempts" + CALLS_WITH_INPUTS + "WHERE queue=? "
                + "AND status='running' AND lease_until<? ORDER BY lease_until LIMIT ?");
        SqliteDatabase.bind(expired, queue, now, max + 16L);
        try (var rs = expired.executeQuery()) {
            while (leases.size() < max && rs.next()) {
                var lease = lease(rs);
                var function = lease.call().function();
                if (taken.getOrDefault(function, 0) < room.of(function)) {
                    taken.merge(function, 1, Integer::sum);
                    leases.add(lease);
                }
            }
        }
        if (leases.size() < max) {
            leases.addAll(fairShare.interleave(queue, candidates(queue, max - leases.size(), room, taken, now),
                    max - leases.size(), room.less(taken)));
        }
        var claim = db.writeStatement("UPDATE calls SET status='running', attempts=attempts+1, lease_token=?, "
                + "lease_until=?, started_at=COALESCE(started_at, ?) WHERE seq=?");
        for (var lease : leases) {
            SqliteDatabase.bind(claim, lease.token(), now + leaseTime.toMillis(), now, seq(lease));
            claim.executeUpdate();
        }
        return leases;
    }

    /**
     * Waiting calls that may run now of the functions whose turn comes first: as many functions
     * as calls are wanted at most (each gets one before any gets two), each with up to what it may take.
     */
    private Map<FunctionName, List<Lease>> candidates(String queue, int max, FunctionRoom room, Map<FunctionName, Integer> taken,
            long nowMillis) throws SQLException {
        var read = known.get(queue);
        long now = System.nanoTime();
        if (read == null || read.until - now < 0) {
            read = new Known(new java.util.LinkedHashSet<>(functionsWithWork(queue)), now + KNOWN_FOR_NANOS);
            known.put(queue, read);
        }
        var functions = read.functions;
        var select = db.writeStatement("SELECT seq, " + CALL_COLUMNS + ", attempts" + CALLS_WITH_INPUTS + "WHERE queue=? "
                + "AND namespace=? AND function=? AND " + READY + " AND not_before<=? ORDER BY priority DESC, seq LIMIT ?");
        var candidates = new HashMap<FunctionName, List<Lease>>();
        for (var function : fairShare.turns(queue, functions)) {
            int wanted = Math.min(max, room.of(function) - taken.getOrDefault(function, 0));
            if (candidates.size() >= max) {
                break;
            }
            if (wanted <= 0) {
                continue;
            }
            SqliteDatabase.bind(select, queue, function.namespace(), function.name(), nowMillis, wanted);
            var calls = new ArrayList<Lease>();
            try (var rs = select.executeQuery()) {
                while (rs.next()) {
                    calls.add(lease(rs));
                }
            }
            if (!calls.isEmpty()) {
                candidates.put(function, calls);
            }
        }
        fairShare.keepOnly(queue, functions);
        return candidates;
    }

    /**
     * The functions with waiting calls in a queue, one index seek per function and namespace
     * instead of a pass over every call (a "loose index scan": SQLite makes none by itself
     * without statistics, and a row-value range in one query walked a whole backlog).
     */
    private List<FunctionName> functionsWithWork(String queue) throws SQLException {
        var functions = new ArrayList<FunctionName>();
        var nextFunction = db.writeStatement(NEXT_FUNCTION);
        var nextNamespace = db.writeStatement(NEXT_NAMESPACE);
        String namespace = "";
        while (true) {
            SqliteDatabase.bind(nextNamespace, queue, namespace);
            String function;
            try (var rs = nextNamespace.executeQuery()) {
                if (!rs.next()) {
                    return functions;
                }
                namespace = rs.getString(1);
                function = rs.getString(2);
            }
            while (function != null) {
                functions.add(new FunctionName(function, namespace));
                SqliteDatabase.bind(nextFunction, queue, namespace, function);
                try (var rs = nextFunction.executeQuery()) {
                    function = rs.next() ? rs.getString(1) : null;
                }
            }
        }
    }

    private static Lease lease(java.sql.ResultSet rs) throws SQLException {
        return new Lease(CallRows.toCall(rs, 2), token(rs.getLong(1)), rs.getInt(16) + 1);
    }

    /**
     * A delivery's token starts with the call's row id, so a run's writes find the row by its key:
     * by call id they went through the index of random call ids, a page read from disk per write
     * once the queue outgrew SQLite's cache. The random rest tells deliveries of one call apart.
     */
    private static String token(long seq) {
        return seq + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    static long seq(Lease lease) {
        var token = lease.token();
        return Long.parseLong(token, 0, token.indexOf(':'), 10);
    }
}
