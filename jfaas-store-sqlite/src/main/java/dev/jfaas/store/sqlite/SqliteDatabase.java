package dev.jfaas.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQLite file in WAL mode with a single writer thread. Writers hand in work and get a future
 * that completes after the commit that contains it; the writer takes every pending piece of work
 * into one transaction, so many concurrent writes share one fsync (group commit). Readers use a
 * small pool of their own connections, which WAL lets run beside the writer.
 */
public final class SqliteDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final int MAX_BATCH = 4096;
    private static final int READERS = 4;
    private static final int CHECKPOINT_PAGES = 10_000;

    /** {@code synced}: its commit must reach the disk (fsync) before {@code done} completes. */
    private record Write<T>(SqlWork<T> work, CompletableFuture<T> done, boolean synced) {}

    private final String url;
    private final Durability durability;
    private final BlockingQueue<Write<?>> writes = new LinkedBlockingQueue<>();
    /** A writer connection and the statements prepared on it. */
    private record Writer(Connection connection, java.util.Map<String, PreparedStatement> statements) {
        Writer(Connection connection) throws SQLException {
            this(connection, new java.util.HashMap<>());
            connection.setAutoCommit(false);
        }
    }

    /**
     * The writer's connections to the file: commits on {@code synced} are fsync'd as the
     * durability says, on {@code unsynced} never (a setting SQLite will not change inside a
     * transaction, and the driver always has one open); with {@link Durability#NORMAL} they are one.
     * Replaced after a failed commit (see {@link #reopenWriter}); only the writer thread touches them.
     */
    private Writer synced;
    private Writer unsynced;
    /** The one the batch being written uses. */
    private Writer writer;
    private final Thread writerThread;
    /** A full disk fails every commit: said once a minute, not several times a second. */
    private final RepeatedFailure commitFailures = new RepeatedFailure(java.time.Duration.ofMinutes(1), System::nanoTime);
    private final SqliteReaders readers;
    private volatile boolean closed;
    /** Set when the writer thread died: every write fails at once from then on. */
    private volatile Throwable broken;

    public SqliteDatabase(Path file, Durability durability, List<String> schema) {
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        this.durability = durability;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ownerOnly(file);
            var first = open(durability);
            migrate(first, schema);
            openWriters(first);
            readers = new SqliteReaders(READERS, () -> open(durability));
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the store at " + file + ": " + e.getMessage(), e);
        }
        writerThread = Thread.ofPlatform().name("sqlite-writer").daemon().start(this::writeLoop);
    }

    /**
     * The database, and the -wal and -shm files SQLite makes beside it with its mode, readable by
     * the gateway's user only: they hold every call's payload and the sealed secrets.
     */
    private static void ownerOnly(Path file) throws java.io.IOException {
        var mode = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        if (!Files.exists(file)) {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(mode));
        }
        for (var suffix : List.of("", "-wal", "-shm")) {
            var each = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(each)) {
                Files.setPosixFilePermissions(each, mode);
            }
        }
    }

    private Connection open(Durability syncs) throws SQLException {
        var properties = new java.util.Properties();
        // Else the driver runs a regular expression over the SQL of every update, and after
        // each INSERT a query of its own for the row id, which nothing here reads.
        properties.setProperty("jdbc.get_generated_keys", "false");
        var connection = DriverManager.getConnection(url, properties);
        try (var st = connection.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=" + syncs.name());
            st.execute("PRAGMA busy_timeout=10000");
            // SQLite copies the log back into the file once it holds this many pages, on the
            // committing connection: the writer, blocking every write meanwhile. At the default of
            // 1,000 pages (4 MB) a busy queue checkpointed several times a second and copied a page
            // changed by many commits as often; at 10,000 durable accepts ran ~10-50 % faster in an
            // interleaved A/B (bench/README.md).
            st.execute("PRAGMA wal_autocheckpoint=" + CHECKPOINT_PAGES);
            st.execute("PRAGMA foreign_keys=ON");
        }
        return connection;
    }

    /**
     * Applies the schema statements not yet applied, tracked by SQLite's user_version; each with
     * its version in one transaction, so a crash mid-way never leaves a step half applied (a
     * copy made twice, say).
     */
    private void migrate(Connection connection, List<String> schema) throws SQLException {
        try (var st = connection.createStatement()) {
            int version;
            try (var rs = st.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            connection.setAutoCommit(false);
            try {
                for (int i = version; i < schema.size(); i++) {
                    st.execute(schema.get(i));
                    st.execute("PRAGMA user_version=" + (i + 1));
                    connection.commit();
                }
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** Queues work for the writer; the future completes once it is committed to disk. */
    public <T> CompletableFuture<T> write(SqlWork<T> work) {
        return write(work, true);
    }

    /**
     * Queues work whose loss on power failure is recovered by other means (a lease that runs out,
     * a call that runs again: at least once): its commit goes to the operating system at once and
     * to the disk with the next synced commit or checkpoint. A process crash loses nothing; a
     * batch with any synced write in it is synced as a whole. With {@link Durability#NORMAL}
     * every write is like this.
     */
    public <T> CompletableFuture<T> writeUnsynced(SqlWork<T> work) {
        return write(work, false);
    }

    private <T> CompletableFuture<T> write(SqlWork<T> work, boolean synced) {
        var done = new CompletableFuture<T>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("store is closed"));
            return done;
        }
        if (broken != null) {
            done.completeExceptionally(new IllegalStateException(problem().orElseThrow()));
            return done;
        }
        writes.add(new Write<>(work, done, synced));
        return done;
    }

    /** Why writes cannot happen (the writer thread died), or empty. */
    public java.util.Optional<String> problem() {
        var cause = broken;
        return cause == null ? java.util.Optional.empty()
                : java.util.Optional.of("the writer of " + url.substring("jdbc:sqlite:".length()) + " died (" + cause
                        + "); restart the gateway");
    }

    /**
     * A statement prepared once on the writer's connection and reused by every write: parsing SQL
     * costs more than running it. Only for use inside write work.
     */
    public PreparedStatement writeStatement(String sql) throws SQLException {
        var statement = writer.statements().get(sql);
        if (statement == null) {
            statement = writer.connection().prepareStatement(sql);
            writer.statements().put(sql, statement);
        } else {
            statement.clearParameters();
        }
        return statement;
    }

    /** Runs one INSERT/UPDATE/DELETE through the statement cache. Only for use inside write work. */
    public int update(String sql, Object... args) throws SQLException {
        var statement = writeStatement(sql);
        bind(statement, args);
        return statement.executeUpdate();
    }

    /** Binds arguments in order; nulls as SQL NULL. */
    public static void bind(PreparedStatement statement, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                statement.setNull(i + 1, java.sql.Types.NULL);
            } else {
                statement.setObject(i + 1, args[i]);
            }
        }
    }

    /** Writes and waits for the commit. Blocks: never call on an event loop. */
    public <T> T writeAndWait(SqlWork<T> work) {
        try {
            return write(work).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Runs read-only work on a pooled reader connection. Blocks. */
    public <T> T read(SqlWork<T> work) {
        return readers.read(work);
    }

    /** Runs read-only work on a reader thread; the future completes there. Never blocks the caller. */
    public <T> CompletableFuture<T> readLater(SqlWork<T> work) {
        return readers.readLater(work);
    }

    private void writeLoop() {
        var batch = new ArrayList<Write<?>>();
        while (!closed || !writes.isEmpty()) {
            try {
                var first = writes.take();
                if (first.work() == null) {
                    continue; // the wake-up put in by close()
                }
                batch.add(first);
                writes.drainTo(batch, MAX_BATCH - 1);
                writer = batch.stream().anyMatch(Write::synced) ? synced : unsynced;
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                // Out of memory, say: no write could complete any more. Fail them all, now and
                // later, rather than leave callers waiting on a thread that is gone.
                broken = e;
                log.error("the store's writer died; every write fails from now on: {}", problem().orElse(""), e);
                batch.forEach(w -> failQuietly(w, e));
                for (Write<?> left; (left = writes.poll()) != null; ) {
                    failQuietly(left, e);
                }
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void failQuietly(Write<?> write, Throwable cause) {
        if (write.done() != null) {
            write.done().completeExceptionally(new IllegalStateException(problem().orElse("the store's writer died"), cause));
        }
    }

    /**
     * The writer's connections, {@code first} as the synced one. In WAL mode an fsync of the log
     * makes every earlier commit durable too, so unsynced commits ride on the next synced one.
     */
    private void openWriters(Connection first) throws SQLException {
        synced = new Writer(first);
        unsynced = durability == Durability.NORMAL ? synced : new Writer(open(Durability.NORMAL));
        writer = synced;
    }

    private List<Writer> writers() {
        return synced == unsynced ? List.of(synced) : List.of(synced, unsynced);
    }

    /**
     * A fresh writer connection. SQLite rolls a transaction back by itself when the disk is full,
     * and the driver does not notice: it went on as if a transaction were open, ran every later
     * statement in autocommit and failed every commit ("no transaction is active"), so nothing
     * worked again, even once space was back, until a restart.
     */
    private void reopenWriter() {
        for (var each : writers()) {
            try {
                each.connection().close();
            } catch (SQLException ignored) {
                // it is being replaced
            }
        }
        try {
            openWriters(open(durability));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reopen the store's writer: " + e.getMessage(), e);
        }
    }

    /** SQLite's "database or disk is full", as the exception it deserves. */
    static RuntimeException translated(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && (sql.getErrorCode() == 13
                    || String.valueOf(sql.getMessage()).contains("SQLITE_FULL"))) {
                return new dev.jfaas.health.StorageFull("cannot write to the store", failure);
            }
        }
        return failure instanceof RuntimeException r ? r : new IllegalStateException("store write failed: " + failure.getMessage(), failure);
    }

    /**
     * Runs the whole batch in one transaction and commits once. If a write fails, the batch is
     * rolled back and run again with a savepoint per write, so the failing one is rolled back
     * alone (savepoints cost two statements a write, so only the rare failing batch pays).
     * Futures complete only after the commit returned.
     */
    private void commit(List<Write<?>> batch) {
        var results = new Object[batch.size()];
        try {
            for (int i = 0; i < batch.size(); i++) {
                var work = batch.get(i).work();
                if (work != null) {
                    results[i] = work.run(writer.connection());
                }
            }
            writer.connection().commit();
        } catch (Exception e) {
            boolean rolledBack;
            try {
                writer.connection().rollback();
                rolledBack = true;
            } catch (SQLException notOpen) {
                rolledBack = false;
            }
            if (!rolledBack || translated(e) instanceof dev.jfaas.health.StorageFull) {
                reopenWriter(); // SQLite may have ended the transaction itself: start clean
            }
            commitOneByOne(batch);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], null);
        }
    }

    private void commitOneByOne(List<Write<?>> batch) {
        var results = new Object[batch.size()];
        var failures = new Throwable[batch.size()];
        try {
            for (int i = 0; i < batch.size(); i++) {
                var write = batch.get(i);
                if (write.work() == null) {
                    continue;
                }
                var savepoint = writer.connection().setSavepoint();
                try {
                    results[i] = write.work().run(writer.connection());
                    writer.connection().releaseSavepoint(savepoint);
                } catch (Exception e) {
                    try {
                        writer.connection().rollback(savepoint);
                    } catch (SQLException ended) {
                        // SQLite ended the whole transaction itself (a full disk): the write's own
                        // failure says why the batch is lost, not "no such savepoint"
                        throw e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
                    }
                    failures[i] = e;
                }
            }
            writer.connection().commit();
            commitFailures.cleared();
        } catch (SQLException e) {
            var report = commitFailures.occurred(e.getMessage());
            if (report != null) {
                log.error("store commit failed, {} writes lost: {}{}", batch.size(), e.getMessage(), report.suppressed() == 0 ? ""
                        : " (and " + report.suppressed() + " more commits since the last report)");
            }
            reopenWriter();
            batch.forEach(w -> {
                if (w.done() != null) {
                    w.done().completeExceptionally(translated(e));
                }
            });
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Write<T> write, Object result, Throwable failure) {
        if (write.done() == null) {
            return;
        }
        if (failure != null) {
            write.done().completeExceptionally(translated(failure));
        } else {
            write.done().complete((T) result);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writes.add(new Write<>(null, null, false));
        try {
            writerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (var each : writers()) {
                each.connection().close();
            }
            readers.close();
        } catch (SQLException e) {
            log.warn("closing the store: {}", e.getMessage());
        }
    }
}
