package dev.jfaas.queue.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Header;
import dev.jfaas.queue.CallRecord;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.QueuedCall;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Rows of the queue's tables as records, and headers as the JSON they are stored as; times are epoch milliseconds. */
final class CallRows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Header>> HEADERS = new TypeReference<>() {};

    private CallRows() {}

    static QueuedCall toCall(ResultSet rs, int first) throws SQLException {
        return new QueuedCall(rs.getString(first), new FunctionName(rs.getString(first + 2), rs.getString(first + 1)),
                rs.getString(first + 3), rs.getInt(first + 4), rs.getString(first + 5), rs.getString(first + 6),
                rs.getString(first + 7), fromJson(rs.getString(first + 8)), rs.getBytes(first + 9),
                rs.getString(first + 10), rs.getString(first + 11), Instant.ofEpochMilli(rs.getLong(first + 12)),
                rs.getInt(first + 13));
    }

    static CallRecord toRecord(ResultSet rs) throws SQLException {
        return new CallRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                CallStatus.parse(rs.getString(5)), rs.getInt(6), rs.getInt(7), rs.getInt(8), instant(rs, 9),
                instant(rs, 10), instant(rs, 11), integer(rs, 12), real(rs, 13), rs.getString(14), rs.getString(15));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    private static Integer integer(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Double real(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    static String toJson(List<Header> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("headers are always encodable", e);
        }
    }

    static List<Header> fromJson(String text) {
        try {
            return JSON.readValue(text, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt headers in the queue: " + e.getOriginalMessage(), e);
        }
    }
}
