package dev.jfaas.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of SQL run on a connection the database hands out. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
