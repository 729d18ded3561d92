package dev.jfaas.queue.tck;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Assumptions;

/**
 * Broker tests run against real servers. On a laptop without the server they skip with a clear
 * message; in CI ({@code CI=true}) a missing server is a failure, never a skip.
 */
public final class BrokerAvailability {

    private BrokerAvailability() {}

    /** @param url {@code scheme://host:port} of the first server */
    public static void require(String what, String url) {
        var uri = URI.create(url.split(",")[0].strip());
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
        } catch (IOException e) {
            var message = what + " is not reachable at " + url + " (" + e.getMessage() + ")";
            if (dev.jfaas.settings.Settings.environmentOnly().environment("CI").filter("true"::equalsIgnoreCase).isPresent()) {
                throw new AssertionError(message + ": CI=true, so broker tests must run");
            }
            Assumptions.abort(message + ": skipping its tests (start the server, or set CI=true to fail instead)");
        }
    }
}
