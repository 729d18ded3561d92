import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Redis baselines for bench/broker.sh: XADDs per second of call-sized entries into one stream
 * by Lettuce alone, 64 in flight: "async" pipelines them from one thread, "sync" has 64 threads
 * each waiting for its reply. Run with the jfaas jar on the class path:
 *   java -cp jfaas.jar bench/RedisPublishRate.java redis://127.0.0.1:6379 10 async|sync
 */
public class RedisPublishRate {
    public static void main(String[] args) throws Exception {
        var client = RedisClient.create(args[0]);
        long seconds = Long.parseLong(args[1]);
        var stream = ("benchraw" + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
        try (var connection = client.connect(ByteArrayCodec.INSTANCE)) {
            var body = Map.of("call".getBytes(StandardCharsets.UTF_8), new byte[560]);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            var count = new AtomicLong();
            if (args.length > 2 && args[2].equals("sync")) {
                var redis = connection.sync();
                try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int t = 0; t < 64; t++) {
                        threads.submit(() -> {
                            while (System.nanoTime() < end) {
                                redis.xadd(stream, XAddArgs.Builder.maxlen(100_000).approximateTrimming(), body);
                                count.incrementAndGet();
                            }
                            return null;
                        });
                    }
                }
            } else {
                var redis = connection.async();
                var window = new Semaphore(64);
                while (System.nanoTime() < end) {
                    window.acquire();
                    redis.xadd(stream, XAddArgs.Builder.maxlen(100_000).approximateTrimming(), body)
                            .whenComplete((id, e) -> window.release());
                    count.incrementAndGet();
                }
                window.acquire(64);
            }
            System.out.printf("%.0f%n", count.get() / ((System.nanoTime() - start) / 1e9));
            connection.sync().del(stream);
        } finally {
            client.shutdown();
        }
    }
}
