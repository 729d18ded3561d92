package dev.jfaas.queue.nats;

import io.nats.client.Nats;

/** Test housekeeping on the shared server: what a test made under its prefix goes when it ends. */
final class NatsTestServer {

    private NatsTestServer() {}

    static void removeStreams(String url, String prefix) throws Exception {
        try (var connection = Nats.connect(url)) {
            var jsm = connection.jetStreamManagement();
            for (var stream : jsm.getStreamNames()) {
                if (stream.startsWith(prefix + "_") || stream.equals("KV_" + prefix + "_calls")) {
                    jsm.deleteStream(stream);
                }
            }
        }
    }
}
