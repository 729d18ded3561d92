import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The baseline for bench/nats.sh: how many messages per second jnats alone stores in a
 * JetStream work-queue stream (file storage) with 64 publishes in flight, the payload the size
 * of a queued call. Run with the jfaas jar on the class path:
 *   java -cp jfaas.jar bench/NatsPublishRate.java nats://127.0.0.1:4222 10
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
            var window = new Semaphore(64);
            long n = 0;
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                window.acquire();
                CompletableFuture<PublishAck> ack = js.publishAsync(stream + ".q.0", payload);
                ack.whenComplete((a, e) -> window.release());
                n++;
            }
            window.acquire(64);
            double rate = n / ((System.nanoTime() - start) / 1e9);
            System.out.printf("%.0f%n", rate);
            jsm.deleteStream(stream);
        }
    }
}
