package dev.jfaas.triggers.topics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brokers {@code JFAAS_TRIGGERS} names, connected when they can be: one that is down when the
 * gateway starts (or that a connector gave up on) is tried again on every sweep, and its topics
 * wait, shown as waiting, instead of keeping the gateway from starting.
 */
public final class BrokerConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrokerConnections.class);

    private final Map<String, String> urls = new LinkedHashMap<>();
    private final Map<String, TopicBroker> connected = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final String gatewayId;

    /** @param brokers the URLs of {@link Brokers#SETTING}: one of each kind */
    public BrokerConnections(List<String> brokers, String gatewayId) {
        this.gatewayId = gatewayId;
        brokers.forEach(url -> urls.put(Brokers.scheme(url), url));
        connectMissing();
    }

    /** Connects what is not connected yet; quiet about a broker that stays down. */
    public void connectMissing() {
        urls.forEach((scheme, url) -> {
            if (connected.containsKey(scheme)) {
                return;
            }
            try {
                connected.put(scheme, Brokers.connectOne(url, gatewayId));
                problems.remove(scheme);
                log.info("triggers: reading topics from {} at {}", scheme, Brokers.address(url));
            } catch (RuntimeException e) {
                var message = e.getMessage();
                if (!message.equals(problems.put(scheme, message))) {
                    log.warn("triggers: {} (its topics wait; tried again every few seconds)", message);
                }
            }
        });
    }

    public Set<String> schemes() {
        return urls.keySet();
    }

    public Optional<TopicBroker> broker(String scheme) {
        return Optional.ofNullable(connected.get(scheme));
    }

    /** Why a configured broker is not connected, or null. */
    public String problem(String scheme) {
        return problems.get(scheme);
    }

    /** Each broker as scheme://host:port, and what is wrong with it if anything; no credentials. */
    public List<String> describe() {
        var out = new ArrayList<String>();
        urls.forEach((scheme, url) -> out.add(scheme + "://" + Brokers.address(url)
                + (connected.containsKey(scheme) ? "" : " (not connected)")));
        return out;
    }

    @Override
    public void close() {
        connected.values().forEach(TopicBroker::close);
    }
}
