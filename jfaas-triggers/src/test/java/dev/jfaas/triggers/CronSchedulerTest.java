package dev.jfaas.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.QueuedCall;
import dev.jfaas.queue.memory.MemoryCallQueue;
import dev.jfaas.store.FiringStore;
import dev.jfaas.triggers.schedule.CronScheduler;
import dev.jfaas.triggers.schedule.Schedule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CronSchedulerTest {

    static final class MemoryFirings implements FiringStore {
        final Map<FunctionName, Instant> last = new ConcurrentHashMap<>();

        @Override
        public Optional<Instant> lastFiring(FunctionName function) {
            return Optional.ofNullable(last.get(function));
        }

        @Override
        public void recordFiring(FunctionName function, Instant scheduledAt) {
            last.merge(function, scheduledAt, (a, b) -> a.isAfter(b) ? a : b);
        }

        @Override
        public void forgetFirings(FunctionName function) {
            last.remove(function);
        }
    }

    final FakeProvider provider = new FakeProvider();
    final CallQueue queue = new MemoryCallQueue();
    final List<ScheduledExecutorService> timers = new ArrayList<>();
    final List<CronScheduler> schedulers = new ArrayList<>();

    CronScheduler scheduler(FiringStore firings) {
        var timer = Executors.newSingleThreadScheduledExecutor();
        timers.add(timer);
        var sink = new TriggerSink(new QueueIntake(provider, queue), new TriggerMetrics(new SimpleMeterRegistry()),
                new Replies(queue, timer, Duration.ofMinutes(1)), timer, Clock.systemUTC());
        var scheduler = new CronScheduler(sink, firings, timer, Clock.systemUTC());
        schedulers.add(scheduler);
        return scheduler;
    }

    List<QueuedCall> queued() {
        return queue.lease(QueuedCall.DEFAULT_QUEUE, 1000, Duration.ofMinutes(1), dev.jfaas.queue.FunctionRoom.ANY).join().stream().map(l -> l.call()).toList();
    }

    static String header(QueuedCall call, String name) {
        return call.headers().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow().value();
    }

    @AfterEach
    void stop() {
        schedulers.forEach(CronScheduler::close);
        timers.forEach(ScheduledExecutorService::shutdownNow);
    }

    @Test
    void twoGatewaysOnOneQueueQueueEachFiringOnce() {
        var fn = provider.add("tick", Map.of());
        var every = Schedule.parse("@every 1s", null);
        var firingsA = new MemoryFirings();
        var firingsB = new MemoryFirings();
        scheduler(firingsA).set(fn, every, null);
        scheduler(firingsB).set(fn, every, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> firingsA.last.containsKey(fn) && firingsB.last.containsKey(fn)
                && queue.records(new dev.jfaas.queue.CallFilter(fn, null, null, 100)).join().size() >= 3);
        schedulers.forEach(CronScheduler::close);
        var calls = queued();
        var perFiring = calls.stream().collect(Collectors.groupingBy(c -> header(c, "X-Scheduled-Time"), Collectors.counting()));
        assertThat(perFiring.values()).as("each firing once, though both gateways fired it").allMatch(n -> n == 1);
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.body()).isEmpty();
            assertThat(header(call, "X-Connector")).isEqualTo("cron");
            assertThat(Instant.parse(header(call, "X-Scheduled-Time")).toEpochMilli() % 1000).isZero();
        });
    }

    @Test
    void aGatewayThatWasDownQueuesOneCatchUpCallNotOnePerMissedFiring() {
        var fn = provider.add("nightly", Map.of());
        var everyMinute = Schedule.parse("* * * * *", null);
        var firings = new MemoryFirings();
        var latest = everyMinute.last(Instant.now()).orElseThrow();
        firings.recordFiring(fn, latest.minus(Duration.ofMinutes(30))); // down for half an hour

        scheduler(firings).set(fn, everyMinute, Instant.now().minus(Duration.ofDays(1)));

        await().atMost(Duration.ofSeconds(5)).until(() -> latest.equals(firings.last.get(fn)));
        var calls = queued();
        assertThat(calls).hasSize(1);
        assertThat(header(calls.getFirst(), "X-Scheduled-Time")).isEqualTo(latest.toString());
    }

    @Test
    void nothingIsCaughtUpThatWasDoneOrCameBeforeTheFunction() {
        var fn = provider.add("hourly", Map.of());
        var everyMinute = Schedule.parse("* * * * *", null);
        var done = new MemoryFirings();
        done.recordFiring(fn, everyMinute.last(Instant.now()).orElseThrow());
        scheduler(done).set(fn, everyMinute, Instant.now().minus(Duration.ofDays(1)));
        var other = provider.add("new-one", Map.of());
        scheduler(new MemoryFirings()).set(other, everyMinute, Instant.now());

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
        var early = queued().stream().filter(c -> Instant.parse(header(c, "X-Scheduled-Time")).isBefore(Instant.now().minusSeconds(1)));
        assertThat(early).isEmpty();
    }
}
