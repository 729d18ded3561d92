import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Semaphore;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * For bench/triggers.sh. "raw": how many messages/s the broker's own client publishes (NATS into a
 * JetStream file stream, MQTT at QoS 1), 64 in flight. "jfaas": publishes the same way on the topic a
 * function listens on and prints messages/s from the first publish until the function has been
 * called for every one of them (read from the gateway's /metrics).
 *   java -cp jfaas.jar bench/TriggerRate.java nats|mqtt URL TOPIC COUNT raw|jfaas [GATEWAY_PORT FUNCTION]
 */
public class TriggerRate {

    public static void main(String[] args) throws Exception {
        var broker = args[0];
        var url = args[1];
        var topic = args[2];
        int count = Integer.parseInt(args[3]);
        boolean jfaas = args[4].equals("jfaas");
        // Timed from the first publish: connecting, making the stream and a warm-up burst (raw only) are not.
        long start = broker.equals("nats") ? nats(url, topic, count, !jfaas) : mqtt(url, topic, count, !jfaas);
        long published = System.nanoTime();
        if (!jfaas) {
            System.out.printf("%.0f%n", count / ((published - start) / 1e9));
            return;
        }
        int port = Integer.parseInt(args[5]);
        var function = args[6] + ".openfaas-fn";
        var http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 120_000_000_000L;
        long seen;
        long storedAt = 0;
        while ((seen = invocations(http, port, function)) < count && System.nanoTime() < deadline) {
            if (storedAt == 0 && stored(http, port, broker) >= count) {
                storedAt = System.nanoTime();
            }
            Thread.sleep(200); // a scrape costs the gateway CPU: not too often
        }
        if (storedAt == 0) {
            storedAt = System.nanoTime();
        }
        // On stderr: how fast the messages became stored calls, apart from how fast they ran.
        System.err.printf("  %s: published at %.0f msg/s, stored as calls at %.0f msg/s%n", broker,
                count / ((published - start) / 1e9), count / ((storedAt - start) / 1e9));
        if (seen < count) {
            System.err.printf("only %d of %d messages reached the function within 120 s%n", seen, count);
            System.out.println("0");
            return;
        }
        System.out.printf("%.0f%n", count / ((System.nanoTime() - start) / 1e9));
    }

    static long nats(String url, String subject, int count, boolean ownStream) {
        try (var nc = Nats.connect(url)) {
            var stream = "benchtrig" + ProcessHandle.current().pid();
            if (ownStream) {
                nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream).subjects(subject)
                        .storageType(StorageType.File).build());
            }
            var js = nc.jetStream();
            var window = new Semaphore(64);
            var payload = new byte[100];
            long start = 0;
            for (int round = ownStream ? 0 : 1; round < 2; round++) { // round 0: the raw client's warm-up
                start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    window.acquire();
                    js.publishAsync(subject, payload).whenComplete((ack, e) -> window.release());
                }
                window.acquire(64);
                window.release(64);
            }
            if (ownStream) {
                nc.jetStreamManagement().deleteStream(stream);
            }
            return start;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long mqtt(String url, String topic, int count, boolean warmUp) {
        try {
            var uri = URI.create(url);
            var client = new MqttAsyncClient("tcp://" + uri.getHost() + ":" + uri.getPort(), "bench" + ProcessHandle.current().pid(),
                    new MemoryPersistence());
            var options = new MqttConnectOptions();
            options.setMaxInflight(64);
            client.connect(options).waitForCompletion(5000);
            var window = new Semaphore(64);
            var payload = new byte[100];
            IMqttActionListener release = new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    window.release();
                }
            };
            long start = 0;
            for (int round = warmUp ? 0 : 1; round < 2; round++) {
                start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    window.acquire();
                    var message = new MqttMessage(payload);
                    message.setQos(1);
                    client.publish(topic, message, null, release);
                }
                window.acquire(64);
                window.release(64);
            }
            client.disconnect().waitForCompletion(5000);
            client.close();
            return start;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trigger messages stored as calls so far, from jfaas_trigger_messages_total{outcome="queued"}. */
    static long stored(HttpClient http, int port, String trigger) throws Exception {
        var text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long sum = 0;
        for (var line : text.split("\n")) {
            if (line.startsWith("jfaas_trigger_messages_total{") && line.contains("outcome=\"queued\"")
                    && line.contains("trigger=\"" + trigger + "\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static long invocations(HttpClient http, int port, String function) throws Exception {
        var text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long sum = 0;
        for (var line : text.split("\n")) {
            if (line.startsWith("gateway_function_invocation_total{") && line.contains("function_name=\"" + function + "\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
