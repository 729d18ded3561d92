package dev.jfaas.queue.document;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.QueuedCall;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How calls, their documents and their results are written to a broker: JSON without null
 * fields, times as decimal epoch seconds (exact to the nanosecond, and cheaper to write than
 * ISO text), bodies in base64.
 */
public final class CallCodec {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CallCodec() {}

    public static byte[] call(QueuedCall call) {
        return write(call);
    }

    public static QueuedCall call(byte[] bytes) {
        return read(bytes, QueuedCall.class);
    }

    public static byte[] document(CallDocument doc) {
        return write(doc);
    }

    public static CallDocument document(byte[] bytes) {
        return read(bytes, CallDocument.class);
    }

    public static byte[] response(CallResponse response) {
        return write(response);
    }

    public static CallResponse response(byte[] bytes) {
        return read(bytes, CallResponse.class);
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a stored " + type.getSimpleName(), e);
        }
    }
}
