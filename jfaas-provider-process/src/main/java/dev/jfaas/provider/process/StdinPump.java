package dev.jfaas.provider.process;

import dev.jfaas.invoke.Body;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds a call's body into its stdin on a virtual thread (the spawner's socket parks it, never
 * pins), with flow control: the body stream is paused while more than {@link #HIGH_WATER} bytes
 * wait to be written, so a large body is never held in memory whole.
 */
final class StdinPump {

    private static final long HIGH_WATER = 1 << 20;
    private static final Buffer END = Buffer.buffer();

    private StdinPump() {}

    static void start(Body body, OutputStream stdin) {
        switch (body) {
            case Body.Empty e -> closeQuietly(stdin);
            case Body.Bytes b -> Thread.ofVirtual().name("stdin").start(() -> {
                try (stdin) {
                    stdin.write(b.buffer().getBytes());
                } catch (IOException ignored) {
                    // the process closed stdin early; its exit status tells the caller
                }
            });
            case Body.Stream s -> stream(s.stream(), stdin);
        }
    }

    private static void stream(ReadStream<Buffer> source, OutputStream stdin) {
        Context context = Vertx.currentContext();
        var queue = new LinkedBlockingQueue<Buffer>();
        var queued = new AtomicLong();
        source.handler(chunk -> {
            queue.add(chunk);
            if (queued.addAndGet(chunk.length()) > HIGH_WATER) {
                source.pause();
            }
        });
        source.exceptionHandler(e -> queue.add(END));
        source.endHandler(v -> queue.add(END));
        Thread.ofVirtual().name("stdin").start(() -> {
            boolean broken = false;
            try {
                for (var chunk = queue.take(); chunk != END; chunk = queue.take()) {
                    if (!broken) {
                        try {
                            stdin.write(chunk.getBytes());
                        } catch (IOException e) {
                            broken = true; // keep draining so the caller's stream is not stuck
                        }
                    }
                    long before = queued.getAndAdd(-chunk.length());
                    if (before > HIGH_WATER && before - chunk.length() <= HIGH_WATER) {
                        onContext(context, source::resume);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(stdin);
            }
        });
        onContext(context, source::resume);
    }

    private static void onContext(Context context, Runnable action) {
        CallerContext.onContext(context, action);
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing left to tell anyone
        }
    }
}
