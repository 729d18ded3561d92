package dev.jfaas.queue.sqlite;

import java.util.List;

/**
 * The queue's tables, as the steps that made them: {@link SqliteDatabase} applies those a file
 * has not had yet, so a step once released is never changed, only followed by another.
 */
final class CallTables {

    private CallTables() {}

    /** Schema steps in order; the database applies those it has not yet (see {@link SqliteDatabase}). */
    static final List<String> SCHEMA = List.of(
            """
            CREATE TABLE calls (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              call_id TEXT NOT NULL UNIQUE,
              queue TEXT NOT NULL,
              namespace TEXT NOT NULL,
              function TEXT NOT NULL,
              priority INTEGER NOT NULL,
              status TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              max_attempts INTEGER NOT NULL,
              not_before INTEGER NOT NULL,
              lease_until INTEGER,
              lease_token TEXT,
              accepted_at INTEGER NOT NULL,
              started_at INTEGER,
              finished_at INTEGER,
              method TEXT NOT NULL,
              path TEXT NOT NULL,
              query TEXT NOT NULL,
              headers TEXT NOT NULL,
              body BLOB NOT NULL,
              callback_url TEXT,
              idempotency_key TEXT,
              status_code INTEGER,
              duration REAL,
              error TEXT,
              callback_status TEXT,
              result_headers TEXT,
              result_body BLOB,
              result_truncated INTEGER)""",
            "CREATE INDEX calls_waiting ON calls(queue, priority DESC, seq) WHERE status IN ('queued','retrying','running')",
            "CREATE INDEX calls_idempotency ON calls(namespace, function, idempotency_key) WHERE idempotency_key IS NOT NULL",
            "CREATE INDEX calls_finished ON calls(finished_at) WHERE finished_at IS NOT NULL",
            "CREATE INDEX calls_dead ON calls(queue, function) WHERE status = 'dead'",
            // Calls that can be leased, apart from the running ones: a lease used to walk the
            // running calls too (they sat first, being oldest) to find those whose lease had run
            // out, a hundred rows and more per lease with 64 calls in flight on each event loop.
            "DROP INDEX calls_waiting",
            "CREATE INDEX calls_ready ON calls(queue, priority DESC, seq) WHERE status IN ('queued','retrying')",
            "CREATE INDEX calls_running ON calls(queue, lease_until) WHERE status = 'running'",
            // A call's request and its result in tables of their own, each row written once: a
            // run's lease and end rewrote the whole row, body and headers included, twice per call,
            // on the one writer thread (bench/README.md, "The store's side of a drained call").
            """
            CREATE TABLE call_inputs (
              seq INTEGER PRIMARY KEY REFERENCES calls(seq) ON DELETE CASCADE,
              method TEXT NOT NULL,
              path TEXT NOT NULL,
              query TEXT NOT NULL,
              headers TEXT NOT NULL,
              body BLOB NOT NULL)""",
            "INSERT INTO call_inputs SELECT seq, method, path, query, headers, body FROM calls",
            """
            CREATE TABLE call_results (
              seq INTEGER PRIMARY KEY REFERENCES calls(seq) ON DELETE CASCADE,
              headers TEXT NOT NULL,
              body BLOB NOT NULL,
              truncated INTEGER NOT NULL)""",
            "INSERT INTO call_results SELECT seq, result_headers, result_body, result_truncated FROM calls "
                    + "WHERE result_headers IS NOT NULL",
            "ALTER TABLE calls DROP COLUMN method",
            "ALTER TABLE calls DROP COLUMN path",
            "ALTER TABLE calls DROP COLUMN query",
            "ALTER TABLE calls DROP COLUMN headers",
            "ALTER TABLE calls DROP COLUMN body",
            "ALTER TABLE calls DROP COLUMN result_headers",
            "ALTER TABLE calls DROP COLUMN result_body",
            "ALTER TABLE calls DROP COLUMN result_truncated",
            // Each function's waiting calls in an index of their own, so leases take turns among
            // functions (FairShare) without reading past one function's backlog to reach another's.
            "DROP INDEX calls_ready",
            "CREATE INDEX calls_ready ON calls(queue, namespace, function, priority DESC, seq) WHERE status IN ('queued','retrying')");
}
