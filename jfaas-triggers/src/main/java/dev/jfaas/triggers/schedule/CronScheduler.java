package dev.jfaas.triggers.schedule;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Header;
import dev.jfaas.store.FiringStore;
import dev.jfaas.triggers.TriggerEvent;
import dev.jfaas.triggers.TriggerSink;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires each scheduled function at its times, as an async call with an empty body and
 * {@code X-Connector: cron}. The call's idempotency key is the firing time, so any number of
 * gateways on one broker queue each firing once. A gateway that was down queues one catch-up call
 * for the latest firing it missed, never one per missed firing.
 */
public final class CronScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CronScheduler.class);
    public static final String TOPIC = "cron-function";

    /** What /system/triggers shows of one schedule. */
    public record View(FunctionName function, String schedule, String timezone, Instant next, Instant lastFired, long fired) {}

    private final class Entry {
        final FunctionName function;
        final Schedule schedule;
        volatile Instant next;
        volatile Instant lastFired;
        volatile long fired;
        volatile ScheduledFuture<?> timer;
        volatile boolean stopped;

        Entry(FunctionName function, Schedule schedule) {
            this.function = function;
            this.schedule = schedule;
        }
    }

    private final TriggerSink sink;
    private final FiringStore firings;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<FunctionName, Entry> entries = new ConcurrentHashMap<>();

    public CronScheduler(TriggerSink sink, FiringStore firings, ScheduledExecutorService timer, Clock clock) {
        this.sink = sink;
        this.firings = firings;
        this.timer = timer;
        this.clock = clock;
    }

    /**
     * Starts or changes a function's schedule. {@code catchUpSince}: when not null (a gateway
     * starting), the latest firing after it that this gateway has no record of is queued now.
     */
    public void set(FunctionName function, Schedule schedule, Instant catchUpSince) {
        var current = entries.get(function);
        if (current != null && current.schedule.text().equals(schedule.text()) && current.schedule.zone().equals(schedule.zone())) {
            return;
        }
        remove(function, false);
        var entry = new Entry(function, schedule);
        entries.put(function, entry);
        var now = clock.instant();
        if (catchUpSince != null) {
            var missed = schedule.last(now).orElse(null);
            var done = firings.lastFiring(function).orElse(catchUpSince);
            if (missed != null && missed.isAfter(done) && missed.isAfter(catchUpSince)) {
                log.info("{}: queueing one catch-up call for its firing at {}, missed while the gateway was down", function, missed);
                timer.execute(() -> fire(entry, missed));
            }
        }
        plan(entry, now);
    }

    public void remove(FunctionName function) {
        remove(function, true);
    }

    private void remove(FunctionName function, boolean forget) {
        var entry = entries.remove(function);
        if (entry != null) {
            entry.stopped = true;
            var planned = entry.timer;
            if (planned != null) {
                planned.cancel(false);
            }
        }
        if (forget && entry != null) {
            timer.execute(() -> firings.forgetFirings(function));
        }
    }

    private void plan(Entry entry, Instant after) {
        if (entry.stopped) {
            return;
        }
        var next = entry.schedule.next(after).orElse(null);
        entry.next = next;
        if (next == null) {
            return; // a cron that never fires again (e.g. a date in the past)
        }
        long delay = Math.max(0, next.toEpochMilli() - clock.millis());
        entry.timer = timer.schedule(() -> {
            fire(entry, next);
            // Late (a pause, a suspended machine)? One firing for the latest time passed, then on.
            var now = clock.instant();
            var latest = entry.schedule.last(now).orElse(next);
            if (latest.isAfter(next)) {
                fire(entry, latest);
            }
            plan(entry, latest.isAfter(next) ? latest : next);
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void fire(Entry entry, Instant at) {
        if (entry.stopped) {
            return;
        }
        var headers = List.of(new Header("X-Connector", "cron"), new Header("X-Topic", TOPIC),
                new Header("X-Scheduled-Time", at.toString()));
        var event = new TriggerEvent("cron", TOPIC, new byte[0], headers, "cron:" + at.toEpochMilli(), at, null);
        sink.deliver(entry.function, event).whenComplete((accepted, failure) -> {
            if (failure != null) {
                log.debug("{}: firing at {} not queued: {}", entry.function, at, failure.getMessage());
                return;
            }
            entry.lastFired = at;
            entry.fired++;
            timer.execute(() -> {
                try {
                    firings.recordFiring(entry.function, at);
                } catch (RuntimeException e) {
                    log.warn("{}: could not record its firing at {}: {}", entry.function, at, e.getMessage());
                }
            });
        });
    }

    public List<View> views() {
        var out = new ArrayList<View>();
        entries.values().forEach(e -> out.add(new View(e.function, e.schedule.text(), e.schedule.zone().getId(), e.next,
                e.lastFired, e.fired)));
        return out;
    }

    @Override
    public void close() {
        for (var function : List.copyOf(entries.keySet())) {
            remove(function, false);
        }
    }
}
