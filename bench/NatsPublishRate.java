import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The NATS baselines for bench/broker.sh: how many messages per second jnats alone stores in a
 * JetStream work-queue stream (file storage), the payload the size of a queued call, with 64
 * publishes in flight. "async": one thread pipelining publishAsync (jnats at its best); "sync":
 * 64 threads each waiting for its publish's ack, as a server answering 64 clients does.
 * Run with the jfaas jar on the class path:
 *   java -cp jfaas.jar bench/NatsPublishRate.java nats://127.0.0.1:4222 10 async|sync
 */
public class NatsPublishRate {
    public static void main(String[] args) throws Exception {
        var url = args[0];
        long seconds = Long.parseLong(args[1]);
        var stream = "benchraw" + ProcessHandle.current().pid();
        try (var nc = Nats.connect(url)) {
            var jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(stream).subjects(stream + ".>")
                    .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File).build());
            var js = nc.jetStream();
            var payload = new byte[560];
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            var count = new AtomicLong();
            if (args.length > 2 && args[2].equals("sync")) {
                try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int t = 0; t < 64; t++) {
                        threads.submit(() -> {
                            while (System.nanoTime() < end) {
                                js.publish(stream + ".q.0", payload);
                                count.incrementAndGet();
                            }
                            return null;
                        });
                    }
                }
            } else {
                var window = new Semaphore(64);
                while (System.nanoTime() < end) {
                    window.acquire();
                    CompletableFuture<PublishAck> ack = js.publishAsync(stream + ".q.0", payload);
                    ack.whenComplete((a, e) -> window.release());
                    count.incrementAndGet();
                }
                window.acquire(64);
            }
            double rate = count.get() / ((System.nanoTime() - start) / 1e9);
            System.out.printf("%.0f%n", rate);
            jsm.deleteStream(stream);
        }
    }
}
