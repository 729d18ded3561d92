import io.nats.client.Nats;

/**
 * Deletes what a benchmark left on the NATS server under its prefix (streams and the KV bucket):
 *   java -cp jfaas.jar bench/NatsCleanup.java nats://127.0.0.1:4222 PREFIX
 */
public class NatsCleanup {
    public static void main(String[] args) throws Exception {
        var prefix = args[1];
        try (var nc = Nats.connect(args[0])) {
            var jsm = nc.jetStreamManagement();
            for (var stream : jsm.getStreamNames()) {
                if (stream.startsWith(prefix + "_") || stream.equals("KV_" + prefix + "_calls")) {
                    jsm.deleteStream(stream);
                }
            }
        }
    }
}
