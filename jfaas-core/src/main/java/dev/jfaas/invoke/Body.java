package dev.jfaas.invoke;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** A request or response body: absent, held in memory, or still streaming. */
public sealed interface Body {

    Body EMPTY = new Empty();

    record Empty() implements Body {}

    record Bytes(Buffer buffer) implements Body {}

    /**
     * Bytes that arrive over time; whoever consumes the body owns the stream, and must call
     * {@code cancel} if it gives up before the end (so the producer stops and frees what it holds).
     */
    record Stream(ReadStream<Buffer> stream, Runnable cancel) implements Body {
        public Stream(ReadStream<Buffer> stream) {
            this(stream, () -> {});
        }
    }

    static Body of(Buffer buffer) {
        return buffer == null || buffer.length() == 0 ? EMPTY : new Bytes(buffer);
    }
}
