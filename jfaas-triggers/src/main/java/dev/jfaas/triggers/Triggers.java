package dev.jfaas.triggers;

import dev.jfaas.function.FunctionName;
import dev.jfaas.function.FunctionStatus;
import dev.jfaas.function.RequestRejected;
import dev.jfaas.provider.Provider;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.store.FiringStore;
import dev.jfaas.triggers.schedule.CronScheduler;
import dev.jfaas.triggers.topics.BrokerConnections;
import dev.jfaas.triggers.topics.TopicBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every function's triggers in this gateway: its schedule in the {@link CronScheduler} and a
 * subscription per topic and broker. Deploy, update and remove change them at once (through
 * {@link TriggeringProvider}); a sweep every few seconds also follows changes made elsewhere (a
 * provider other gateways share) and retries subscriptions that failed.
 */
public final class Triggers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Triggers.class);
    static final Duration SWEEP = Duration.ofSeconds(5);

    /** What /system/triggers shows: a schedule or one topic on one broker. */
    public record View(String function, String namespace, String kind, String trigger, String topic, String schedule,
            String timezone, Instant next, Instant lastFired, long messages, String state) {}

    private record Key(FunctionName function, String broker, String topic) {}

    private static final class Listening {
        volatile TopicBroker.Subscription subscription;
        volatile String problem = "subscribing";
        final AtomicLong messages = new AtomicLong();
    }

    private final Provider provider;
    private final BrokerConnections brokers;
    private final TriggerSink sink;
    private final CronScheduler cron;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.ExecutorService subscriber;
    private final Map<FunctionName, TriggerSpec> specs = new ConcurrentHashMap<>();
    /** The trigger annotations each function's spec was read from, so a sweep parses only what changed. */
    private final Map<FunctionName, Map<String, String>> sources = new ConcurrentHashMap<>();
    private final Map<Key, Listening> listening = new ConcurrentHashMap<>();

    private Triggers(Provider provider, BrokerConnections brokers, TriggerSink sink, CronScheduler cron,
            ScheduledExecutorService timer) {
        this.provider = provider;
        this.brokers = brokers;
        this.sink = sink;
        this.cron = cron;
        this.timer = timer;
        this.subscriber = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("trigger-subscriptions").factory());
    }

    /**
     * @param brokerUrls {@code JFAAS_TRIGGERS}: one broker URL of each kind (may be empty)
     * @param gatewayId stable across restarts of this gateway: its consumer and client names
     * @param intake    the gateway's accept chain, where events become calls
     * @param queue     where replies to request/reply messages are read from
     */
    public static Triggers start(List<String> brokerUrls, String gatewayId, Provider provider, CallQueue queue,
            EventIntake intake, FiringStore firings, MeterRegistry registry, Duration resultTtl) {
        var brokers = new BrokerConnections(brokerUrls, gatewayId);
        var timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("triggers").factory());
        var clock = Clock.systemUTC();
        var sink = new TriggerSink(intake, new TriggerMetrics(registry), new Replies(queue, timer, resultTtl), timer, clock);
        var triggers = new Triggers(provider, brokers, sink, new CronScheduler(sink, firings, timer, clock), timer);
        triggers.sweep(true);
        timer.scheduleWithFixedDelay(() -> triggers.sweep(false), SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        return triggers;
    }

    /** @throws RequestRejected 400 for a bad schedule or topic, or a topic on a broker this gateway has not */
    public TriggerSpec validate(Map<String, String> annotations) {
        var spec = TriggerSpec.of(annotations);
        for (var topic : spec.topics()) {
            if (topic.broker() != null && !brokers.schemes().contains(topic.broker())) {
                throw RequestRejected.invalid("topic " + topic + " is read from " + topic.broker()
                        + ", but JFAAS_TRIGGERS names no " + topic.broker() + " broker");
            }
        }
        return spec;
    }

    /** A function was deployed or updated. */
    public void changed(FunctionName function, Map<String, String> annotations) {
        apply(function, validate(annotations), null);
        sources.put(function, TriggerSpec.source(annotations));
    }

    public void removed(FunctionName function) {
        specs.remove(function);
        sources.remove(function);
        cron.remove(function);
        for (var key : List.copyOf(listening.keySet())) {
            if (key.function().equals(function)) {
                stop(key, true);
            }
        }
    }

    private synchronized void apply(FunctionName function, TriggerSpec spec, Instant catchUpSince) {
        specs.put(function, spec);
        spec.schedule().ifPresentOrElse(s -> cron.set(function, s, catchUpSince), () -> cron.remove(function));
        var wanted = new HashSet<Key>();
        for (var topic : spec.topics()) {
            for (var scheme : brokers.schemes()) {
                if (topic.readFrom(scheme)) {
                    wanted.add(new Key(function, scheme, topic.name()));
                }
            }
        }
        for (var key : List.copyOf(listening.keySet())) {
            if (key.function().equals(function) && !wanted.contains(key)) {
                stop(key, true);
            }
        }
        for (var key : wanted) {
            if (!listening.containsKey(key)) {
                // In the map before its subscription is started: subscribe() checks that it still is.
                var entry = new Listening();
                listening.put(key, entry);
                subscriber.execute(() -> subscribe(key, entry));
            }
        }
    }

    private void subscribe(Key key, Listening entry) {
        if (listening.get(key) != entry || entry.subscription != null) {
            return;
        }
        var connected = brokers.broker(key.broker());
        if (connected.isEmpty()) {
            entry.problem = "waiting: " + brokers.problem(key.broker());
            return;
        }
        var broker = connected.get();
        try {
            entry.subscription = broker.subscribe(key.function(), key.topic(), event -> {
                entry.messages.incrementAndGet();
                return sink.deliver(key.function(), event);
            });
            entry.problem = null;
            if (listening.get(key) != entry) {
                entry.subscription.close(); // removed while subscribing
            }
        } catch (Exception e) {
            entry.problem = "cannot subscribe: " + e.getMessage();
            log.warn("triggers: {} cannot listen on {} topic {}: {}", key.function(), key.broker(), key.topic(), e.getMessage());
        }
    }

    private void stop(Key key, boolean forget) {
        var entry = listening.remove(key);
        if (entry != null && entry.subscription != null) {
            var subscription = entry.subscription;
            subscriber.execute(() -> {
                if (forget) {
                    subscription.forget();
                } else {
                    subscription.close();
                }
            });
        }
    }

    /** Follows the provider: functions deployed or changed elsewhere, removed ones, failed subscriptions. */
    private void sweep(boolean starting) {
        try {
            if (!starting) {
                brokers.connectMissing();
            }
            var seen = new HashMap<FunctionName, FunctionStatus>();
            for (var status : provider.list(null)) {
                seen.put(new FunctionName(status.name(), status.namespace()), status);
            }
            for (var function : List.copyOf(specs.keySet())) {
                // Not in the list, and not deployed since it was taken either.
                if (!seen.containsKey(function) && provider.find(function).isEmpty()) {
                    removed(function);
                }
            }
            for (var entry : seen.entrySet()) {
                var source = TriggerSpec.source(entry.getValue().annotations());
                if (!starting && source.equals(sources.get(entry.getKey()))) {
                    continue; // as last read: nothing to parse or change
                }
                sources.put(entry.getKey(), source);
                TriggerSpec spec;
                try {
                    spec = validate(entry.getValue().annotations());
                } catch (RequestRejected e) {
                    log.warn("triggers: {} has triggers this gateway cannot run: {}", entry.getKey(), e.getMessage());
                    continue;
                }
                if (!spec.equals(specs.get(entry.getKey())) || starting) {
                    var created = entry.getValue().createdAt();
                    apply(entry.getKey(), spec, starting ? (created == null ? Instant.EPOCH : Instant.parse(created)) : null);
                }
            }
            for (var item : listening.entrySet()) {
                if (item.getValue().subscription == null && item.getValue().problem != null
                        && !item.getValue().problem.equals("subscribing")) {
                    item.getValue().problem = "subscribing";
                    subscriber.execute(() -> subscribe(item.getKey(), item.getValue()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("triggers: could not follow the functions: {}", e.getMessage());
        }
    }

    public List<View> views() {
        var out = new ArrayList<View>();
        for (var s : cron.views()) {
            out.add(new View(s.function().name(), s.function().namespace(), "schedule", "cron", CronScheduler.TOPIC, s.schedule(),
                    s.timezone(), s.next(), s.lastFired(), s.fired(), "scheduled"));
        }
        for (var item : listening.entrySet()) {
            var key = item.getKey();
            var entry = item.getValue();
            var state = entry.subscription != null ? entry.subscription.state() : entry.problem;
            out.add(new View(key.function().name(), key.function().namespace(), "topic", key.broker(), key.topic(), null, null,
                    null, null, entry.messages.get(), state));
        }
        for (var spec : specs.entrySet()) {
            for (var topic : spec.getValue().topics()) {
                if (brokers.schemes().stream().noneMatch(topic::readFrom)) {
                    out.add(new View(spec.getKey().name(), spec.getKey().namespace(), "topic", topic.broker(), topic.name(), null,
                            null, null, null, 0, "waiting: JFAAS_TRIGGERS names no broker for it"));
                }
            }
        }
        out.sort(java.util.Comparator.comparing(View::namespace).thenComparing(View::function).thenComparing(View::kind)
                .thenComparing(v -> v.topic() == null ? "" : v.topic()));
        return out;
    }

    public List<String> brokers() {
        return brokers.describe();
    }

    /** The provider the gateway uses: the same, with each deploy, update and remove changing this function's triggers. */
    public Provider around(Provider inner) {
        return new TriggeringProvider(inner, this);
    }

    @Override
    public void close() {
        sink.close();
        cron.close();
        for (var key : List.copyOf(listening.keySet())) {
            var entry = listening.remove(key);
            if (entry != null && entry.subscription != null) {
                entry.subscription.close();
            }
        }
        subscriber.shutdownNow();
        timer.shutdownNow();
        brokers.close();
    }
}
