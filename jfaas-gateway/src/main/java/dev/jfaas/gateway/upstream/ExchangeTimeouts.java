package dev.jfaas.gateway.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When one event loop's calls time out, without a timer per call: a timer scheduled and cancelled
 * per call cost ~190 bytes and two updates of the loop's timer queue. Calls with the same timeout
 * expire in the order they started, so each distinct timeout keeps its calls in a list in start
 * order (a lane), only the lanes' first calls are ever looked at, and one timer is set for the
 * earliest of them. A call that ends leaves its lane at once. Touched only on its loop.
 */
final class ExchangeTimeouts {

    private static final Logger log = LoggerFactory.getLogger(ExchangeTimeouts.class);

    /** One call's place in its lane, until it ends or times out. */
    static final class Entry {
        private final UpstreamExchange exchange;
        private final long at;
        private Lane lane;
        private Entry earlier;
        private Entry later;

        private Entry(UpstreamExchange exchange, long at) {
            this.exchange = exchange;
            this.at = at;
        }

        /** The call is over: it no longer has a deadline. */
        void cancel() {
            var own = lane;
            if (own == null) {
                return;
            }
            lane = null;
            if (earlier != null) {
                earlier.later = later;
            } else {
                own.first = later;
            }
            if (later != null) {
                later.earlier = earlier;
            } else {
                own.last = earlier;
            }
            earlier = null;
            later = null;
        }
    }

    /** The calls with one timeout, earliest deadline first. */
    private static final class Lane {
        final long timeout;
        Entry first;
        Entry last;

        Lane(long timeout) {
            this.timeout = timeout;
        }
    }

    private final EventLoop loop;
    /** Few: one per distinct timeout with calls in flight; empty lanes are dropped when the timer fires. */
    private final ArrayList<Lane> lanes = new ArrayList<>(4);
    private ScheduledFuture<?> timer;
    private long timerAt;

    ExchangeTimeouts(EventLoop loop) {
        this.loop = loop;
    }

    /** {@code exchange} times out (is reset, {@link UpstreamExchange#timedOut()}) unless over within {@code timeoutNanos}. */
    Entry add(UpstreamExchange exchange, long timeoutNanos) {
        var entry = new Entry(exchange, System.nanoTime() + timeoutNanos);
        var lane = lane(timeoutNanos);
        entry.lane = lane;
        entry.earlier = lane.last;
        if (lane.last != null) {
            lane.last.later = entry;
        } else {
            lane.first = entry;
        }
        lane.last = entry;
        if (timer == null || entry.at - timerAt < 0) {
            schedule(entry.at);
        }
        return entry;
    }

    /** Calls waiting for their deadline, and lanes kept: what this loop holds. */
    int pending() {
        int count = 0;
        for (var lane : lanes) {
            for (var entry = lane.first; entry != null; entry = entry.later) {
                count++;
            }
        }
        return count;
    }

    int lanes() {
        return lanes.size();
    }

    private Lane lane(long timeout) {
        for (int i = 0; i < lanes.size(); i++) {
            var lane = lanes.get(i);
            if (lane.timeout == timeout) {
                return lane;
            }
        }
        var lane = new Lane(timeout);
        lanes.add(lane);
        return lane;
    }

    private void schedule(long at) {
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        timer = loop.schedule(this::expire, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Times out every call past its deadline, then waits for the earliest deadline left. */
    private void expire() {
        timer = null;
        long now = System.nanoTime();
        var due = new ArrayList<UpstreamExchange>();
        long next = 0;
        boolean any = false;
        for (var it = lanes.iterator(); it.hasNext(); ) {
            var lane = it.next();
            Entry first;
            while ((first = lane.first) != null && first.at - now <= 0) {
                first.cancel();
                due.add(first.exchange);
            }
            if (first == null) {
                it.remove();
            } else if (!any || first.at - next < 0) {
                next = first.at;
                any = true;
            }
        }
        if (any) {
            schedule(next);
        }
        // After the walk: a reset may end other calls. Each on its own: their entries are gone already.
        for (var exchange : due) {
            try {
                exchange.timeOut();
            } catch (RuntimeException e) {
                log.warn("a call past its exec_timeout could not be reset", e);
            }
        }
    }
}
