package dev.jfaas.app;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.nats.client.Nats;

/** Tests share the machine's brokers: what one made under its prefix goes when it ends. */
final class BrokerCleanup {

    private BrokerCleanup() {}

    static void remove(String url, String prefix) throws Exception {
        if (url.startsWith("nats://")) {
            try (var connection = Nats.connect(url)) {
                var jsm = connection.jetStreamManagement();
                for (var stream : jsm.getStreamNames()) {
                    if (stream.startsWith(prefix + "_") || stream.equals("KV_" + prefix + "_calls")) {
                        jsm.deleteStream(stream);
                    }
                }
            }
        } else {
            var client = RedisClient.create(url);
            try (var connection = client.connect()) {
                var redis = connection.sync();
                var keys = ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + ":*").limit(1000));
                while (keys.hasNext()) {
                    redis.unlink(keys.next());
                }
            } finally {
                client.shutdown();
            }
        }
    }
}
