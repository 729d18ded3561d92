package dev.jfaas.worker;

import dev.jfaas.invoke.Body;
import dev.jfaas.invoke.InvocationResult;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.Header;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;

/** Reads a function's answer into what is kept for its call, cutting the body at a size limit. */
final class ResultCollector {

    private ResultCollector() {}

    static Future<CallResponse> collect(InvocationResult result, int maxBytes, double durationSeconds) {
        var headers = new ArrayList<Header>();
        result.headers().forEach(h -> headers.add(new Header(h.getKey(), h.getValue())));
        return switch (result.body()) {
            case Body.Empty e -> Future.succeededFuture(new CallResponse(result.status(), headers, new byte[0], false, durationSeconds));
            case Body.Bytes b -> Future.succeededFuture(cut(result.status(), headers, b.buffer(), maxBytes, durationSeconds));
            case Body.Stream s -> {
                Promise<CallResponse> done = Promise.promise();
                var kept = Buffer.buffer();
                boolean[] truncated = {false};
                s.stream().handler(chunk -> {
                    int room = maxBytes - kept.length();
                    if (chunk.length() <= room) {
                        kept.appendBuffer(chunk);
                    } else {
                        if (room > 0) {
                            kept.appendBuffer(chunk, 0, room);
                        }
                        truncated[0] = true; // keep draining so the connection can be reused
                    }
                });
                s.stream().exceptionHandler(done::tryFail);
                s.stream().endHandler(v -> done.tryComplete(new CallResponse(result.status(), headers, kept.getBytes(),
                        truncated[0], durationSeconds)));
                s.stream().resume();
                yield done.future();
            }
        };
    }

    private static CallResponse cut(int status, java.util.List<Header> headers, Buffer body, int maxBytes, double seconds) {
        boolean truncated = body.length() > maxBytes;
        var bytes = truncated ? body.getBytes(0, maxBytes) : body.getBytes();
        return new CallResponse(status, headers, bytes, truncated, seconds);
    }
}
