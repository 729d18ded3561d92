package dev.jfaas.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The read side of a {@link SqliteDatabase}: a few connections of their own, which WAL lets read
 * beside the writer, and threads to run reads on for callers that must not wait (an event loop:
 * a count over a backlog of 100,000 calls takes tens of milliseconds). Threads end when idle.
 */
final class SqliteReaders implements AutoCloseable {

    /** Opens one reader connection. */
    interface Opener {
        Connection open() throws SQLException;
    }

    private final BlockingQueue<Connection> connections;
    private final ThreadPoolExecutor threads;

    SqliteReaders(int count, Opener opener) throws SQLException {
        connections = new ArrayBlockingQueue<>(count);
        for (int i = 0; i < count; i++) {
            connections.add(opener.open());
        }
        threads = new ThreadPoolExecutor(count, count, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("sqlite-reader-", 0).daemon().factory());
        threads.allowCoreThreadTimeOut(true);
    }

    /** Runs read-only work on a pooled connection, on the caller's thread. Blocks. */
    <T> T read(SqlWork<T> work) {
        Connection connection;
        try {
            connection = connections.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a reader", e);
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("store read failed: " + e.getMessage(), e);
        } finally {
            connections.add(connection);
        }
    }

    /** Runs read-only work on a reader thread; the future completes there. Never blocks the caller. */
    <T> CompletableFuture<T> readLater(SqlWork<T> work) {
        try {
            return CompletableFuture.supplyAsync(() -> read(work), threads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("store is closed"));
        }
    }

    @Override
    public void close() throws SQLException {
        threads.shutdown();
        for (var connection : connections) {
            connection.close();
        }
    }
}
