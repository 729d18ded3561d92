package dev.jfaas.queue.memory;

import dev.jfaas.function.FunctionName;
import dev.jfaas.queue.Accepted;
import dev.jfaas.queue.CallFilter;
import dev.jfaas.queue.CallQueue;
import dev.jfaas.queue.CallRecord;
import dev.jfaas.queue.CallResponse;
import dev.jfaas.queue.CallStatus;
import dev.jfaas.queue.FairShare;
import dev.jfaas.queue.FunctionRoom;
import dev.jfaas.queue.Lease;
import dev.jfaas.queue.QueueStats;
import dev.jfaas.queue.QueueUnavailable;
import dev.jfaas.queue.QueuedCall;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A call queue in memory: bounded, lost on restart. For tests and development; the embedded
 * SQLite queue is the durable default. One lock guards everything, which is plenty at this scale.
 */
public final class MemoryCallQueue implements CallQueue {

    private static final class Entry {
        final QueuedCall call;
        final long seq;
        CallStatus status = CallStatus.QUEUED;
        int attempts;
        Instant notBefore;
        Instant leaseUntil;
        String token;
        Instant startedAt;
        Instant finishedAt;
        CallResponse response;
        String error;
        String callbackStatus;

        Entry(QueuedCall call, long seq) {
            this.call = call;
            this.seq = seq;
            this.notBefore = call.acceptedAt();
        }
    }

    private static final Comparator<Entry> ORDER = Comparator.<Entry>comparingInt(e -> -e.call.priority())
            .thenComparingLong(e -> e.seq);

    private final int capacity;
    private final Clock clock;
    private final Map<String, Entry> calls = new LinkedHashMap<>();
    /** Calls not ended, per queue and function, each function's in the order it runs them. */
    private final Map<String, Map<FunctionName, TreeSet<Entry>>> active = new HashMap<>();
    private final FairShare fairShare = new FairShare();
    private final Map<String, String> idempotency = new HashMap<>();
    private long seq;
    private int activeCount;

    public MemoryCallQueue(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    public MemoryCallQueue() {
        this(100_000, Clock.systemUTC());
    }

    private <T> CompletableFuture<T> locked(Supplier<T> work) {
        synchronized (this) {
            try {
                return CompletableFuture.completedFuture(work.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    private static String idempotencyKey(QueuedCall call) {
        return call.function().qualified() + "|" + call.idempotencyKey();
    }

    @Override
    public CompletableFuture<Accepted> enqueue(QueuedCall call) {
        return locked(() -> {
            if (call.idempotencyKey() != null) {
                var earlier = idempotency.get(idempotencyKey(call));
                if (earlier != null && calls.containsKey(earlier)) {
                    return new Accepted(earlier, Accepted.Kind.IDEMPOTENT_REPEAT);
                }
            }
            if (calls.containsKey(call.callId())) {
                return new Accepted(call.callId(), Accepted.Kind.ID_TAKEN);
            }
            if (activeCount >= capacity) {
                throw new QueueUnavailable("the in-memory queue is full (" + capacity + " calls)");
            }
            var entry = new Entry(call, seq++);
            calls.put(call.callId(), entry);
            activate(entry);
            if (call.idempotencyKey() != null) {
                idempotency.put(idempotencyKey(call), call.callId());
            }
            return new Accepted(call.callId(), Accepted.Kind.NEW);
        });
    }

    private void activate(Entry entry) {
        active.computeIfAbsent(entry.call.queue(), q -> new HashMap<>())
                .computeIfAbsent(entry.call.function(), f -> new TreeSet<>(ORDER)).add(entry);
        activeCount++;
    }

    private void deactivate(Entry entry) {
        var functions = active.get(entry.call.queue());
        var set = functions == null ? null : functions.get(entry.call.function());
        if (set != null && set.remove(entry)) {
            activeCount--;
            if (set.isEmpty()) {
                functions.remove(entry.call.function());
            }
        }
    }

    @Override
    public CompletableFuture<List<Lease>> lease(String queue, int max, Duration leaseTime, FunctionRoom room) {
        return locked(() -> {
            var now = clock.instant();
            var functions = active.getOrDefault(queue, Map.of());
            var candidates = new HashMap<FunctionName, List<Entry>>();
            functions.forEach((function, set) -> {
                int wanted = Math.min(max, room.of(function));
                var ready = new ArrayList<Entry>();
                for (var it = set.iterator(); it.hasNext() && ready.size() < wanted; ) {
                    var entry = it.next();
                    if (entry.status == CallStatus.RUNNING ? entry.leaseUntil.isBefore(now) : !entry.notBefore.isAfter(now)) {
                        ready.add(entry);
                    }
                }
                if (!ready.isEmpty()) {
                    candidates.put(function, ready);
                }
            });
            fairShare.keepOnly(queue, functions.keySet());
            var leases = new ArrayList<Lease>();
            for (var entry : fairShare.interleave(queue, candidates, max, room)) {
                entry.status = CallStatus.RUNNING;
                entry.attempts++;
                entry.token = UUID.randomUUID().toString();
                entry.leaseUntil = now.plus(leaseTime);
                if (entry.startedAt == null) {
                    entry.startedAt = now;
                }
                leases.add(new Lease(entry.call, entry.token, entry.attempts));
            }
            return leases;
        });
    }

    private Entry holder(Lease lease) {
        var entry = calls.get(lease.call().callId());
        return entry != null && entry.status == CallStatus.RUNNING && lease.token().equals(entry.token) ? entry : null;
    }

    @Override
    public CompletableFuture<Boolean> renew(Lease lease, Duration leaseTime) {
        return locked(() -> {
            var entry = holder(lease);
            if (entry == null) {
                return false;
            }
            entry.leaseUntil = clock.instant().plus(leaseTime);
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> finish(Lease lease, CallStatus status, CallResponse response, String error) {
        if (!status.isFinal() || status == CallStatus.CANCELLED) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not an end state: " + status));
        }
        return locked(() -> {
            var entry = holder(lease);
            if (entry == null) {
                return false;
            }
            deactivate(entry);
            entry.status = status;
            entry.token = null;
            entry.finishedAt = clock.instant();
            entry.response = response;
            entry.error = error;
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> retryLater(Lease lease, Instant notBefore, CallResponse response, String error) {
        return locked(() -> {
            var entry = holder(lease);
            if (entry == null) {
                return false;
            }
            entry.status = CallStatus.RETRYING;
            entry.token = null;
            entry.notBefore = notBefore;
            entry.response = response;
            entry.error = error;
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> pushBack(Lease lease, Instant notBefore) {
        return locked(() -> {
            var entry = holder(lease);
            if (entry == null) {
                return false;
            }
            entry.status = entry.attempts > 1 ? CallStatus.RETRYING : CallStatus.QUEUED;
            entry.attempts--;
            entry.token = null;
            entry.notBefore = notBefore;
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> cancel(String callId) {
        return locked(() -> {
            var entry = calls.get(callId);
            if (entry == null || entry.status.isFinal()) {
                return false;
            }
            deactivate(entry);
            entry.status = CallStatus.CANCELLED;
            entry.token = null;
            entry.finishedAt = clock.instant();
            return true;
        });
    }

    @Override
    public CompletableFuture<Void> recordCallback(String callId, String callbackStatus) {
        return locked(() -> {
            var entry = calls.get(callId);
            if (entry != null) {
                entry.callbackStatus = callbackStatus;
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Optional<CallRecord>> record(String callId) {
        return locked(() -> Optional.ofNullable(calls.get(callId)).map(MemoryCallQueue::toRecord));
    }

    @Override
    public CompletableFuture<Optional<CallResponse>> result(String callId) {
        return locked(() -> Optional.ofNullable(calls.get(callId))
                .filter(e -> e.status.isFinal() && e.response != null).map(e -> e.response));
    }

    @Override
    public CompletableFuture<List<CallRecord>> records(CallFilter filter) {
        return locked(() -> {
            var out = new ArrayList<CallRecord>();
            var all = new ArrayList<>(calls.values());
            for (int i = all.size() - 1; i >= 0 && out.size() < filter.limit(); i--) {
                var e = all.get(i);
                if ((filter.function() == null || filter.function().equals(e.call.function()))
                        && (filter.status() == null || filter.status() == e.status)
                        && (filter.queue() == null || filter.queue().equals(e.call.queue()))) {
                    out.add(toRecord(e));
                }
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<List<QueueStats>> stats() {
        return locked(() -> {
            var now = clock.instant();
            record Key(String queue, FunctionName function) {}
            var counts = new LinkedHashMap<Key, long[]>();
            var oldest = new HashMap<Key, Instant>();
            for (var e : calls.values()) {
                if (e.status.isFinal() && e.status != CallStatus.DEAD) {
                    continue;
                }
                var key = new Key(e.call.queue(), e.call.function());
                var c = counts.computeIfAbsent(key, k -> new long[4]);
                switch (e.status) {
                    case RUNNING -> c[1]++;
                    case DEAD -> c[3]++;
                    default -> {
                        c[0]++;
                        if (e.notBefore.isAfter(now)) {
                            c[2]++;
                        }
                        oldest.merge(key, e.call.acceptedAt(), (a, b) -> a.isBefore(b) ? a : b);
                    }
                }
            }
            var out = new ArrayList<QueueStats>();
            counts.forEach((k, c) -> {
                var first = oldest.get(k);
                double age = first == null ? 0 : Math.max(0, Duration.between(first, now).toMillis() / 1000.0);
                out.add(new QueueStats(k.queue(), k.function().name(), k.function().namespace(), c[0], c[1], c[2], c[3], age));
            });
            return out;
        });
    }

    @Override
    public CompletableFuture<Integer> replayDeadLetters(String queue, FunctionName function) {
        return locked(() -> {
            int n = 0;
            for (var e : calls.values()) {
                if (e.status == CallStatus.DEAD && e.call.queue().equals(queue)
                        && (function == null || function.equals(e.call.function()))) {
                    requeue(e);
                    n++;
                }
            }
            return n;
        });
    }

    @Override
    public CompletableFuture<Optional<QueuedCall>> deadLetter(String callId) {
        return locked(() -> Optional.ofNullable(calls.get(callId))
                .filter(e -> e.status == CallStatus.DEAD || e.status == CallStatus.FAILED).map(e -> e.call));
    }

    @Override
    public CompletableFuture<Boolean> replay(String callId) {
        return locked(() -> {
            var e = calls.get(callId);
            if (e == null || (e.status != CallStatus.DEAD && e.status != CallStatus.FAILED)) {
                return false;
            }
            requeue(e);
            return true;
        });
    }

    private void requeue(Entry e) {
        e.status = CallStatus.QUEUED;
        e.attempts = 0;
        e.notBefore = clock.instant();
        e.finishedAt = null;
        e.error = null;
        activate(e);
    }

    @Override
    public CompletableFuture<Integer> purgeDeadLetters(String queue, FunctionName function) {
        return locked(() -> removeIf(e -> e.status == CallStatus.DEAD && e.call.queue().equals(queue)
                && (function == null || function.equals(e.call.function()))));
    }

    @Override
    public CompletableFuture<Integer> forgetFinishedBefore(Instant cutoff) {
        return locked(() -> removeIf(e -> e.status.isFinal() && e.finishedAt != null && e.finishedAt.isBefore(cutoff)));
    }

    private int removeIf(java.util.function.Predicate<Entry> doomed) {
        int n = 0;
        for (var it = calls.values().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (doomed.test(e)) {
                it.remove();
                if (e.call.idempotencyKey() != null) {
                    idempotency.remove(idempotencyKey(e.call), e.call.callId());
                }
                n++;
            }
        }
        return n;
    }

    private static CallRecord toRecord(Entry e) {
        var r = e.response;
        return new CallRecord(e.call.callId(), e.call.function().name(), e.call.function().namespace(), e.call.queue(),
                e.status, e.call.priority(), e.attempts, e.call.maxAttempts(), e.call.acceptedAt(), e.startedAt,
                e.finishedAt, r == null ? null : r.status(), r == null ? null : r.durationSeconds(), e.error,
                e.callbackStatus);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
