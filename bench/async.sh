#!/usr/bin/env bash
# Async benchmark (SPEC §11): durable accepts/s with 64 clients (fsync on), then how fast the
# embedded worker drains them into a no-op http function, against the sync rate to it.
# Then accept-to-start latency at half the steady drain rate (open loop, AsyncLatency.java).
#   bench/async.sh [seconds=10]
set -euo pipefail
secs=${1:-10}
. "$(dirname "$0")/lib.sh" wrk nginx curl
jfaas_pid=

port=$(free_port)

start_jfaas() { # $1 = run the worker (true/false)
  JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  JFAAS_WORKER=$1 JFAAS_QUEUE_MAX_INFLIGHT=${QUEUE_INFLIGHT:-64} \
    "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "$root/jfaas-app/target/jfaas.jar" up \
    >> "$BENCH_TMP/jfaas.log" 2>&1 &
  jfaas_pid=$!
  pids+=($jfaas_pid)
  wait_port "$port"
}
stop_jfaas() { kill "$jfaas_pid"; wait "$jfaas_pid" 2>/dev/null || true; jfaas_pid=; }
api() { curl -sf -u admin:bench "$@"; }

start_jfaas false
deploy_nginx_function "$port" noop

echo "warming up..." >&2
wrk -t2 -c64 -d5s -s "$here/post100.lua" "http://127.0.0.1:$port/function/noop" > /dev/null
wrk -t2 -c64 -d5s -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" > /dev/null
api -X DELETE "http://127.0.0.1:$port/system/queues/faas-request/dead-letters" > /dev/null

sync_out=$(wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "http://127.0.0.1:$port/function/noop")
sync_rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$sync_out")
accept_out=$(wrk -t2 -c64 -d"${secs}s" --latency -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop")
accept_rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$accept_out")
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$accept_out")
printf "sync calls to the no-op function:  %10.0f req/s\n" "$sync_rps"
printf "durable async accepts (fsync on):  %10.0f req/s  p99 %s  %s  (target >= 20000)\n" "$accept_rps" \
  "$(awk '$1=="99%" {print $2}' <<<"$accept_out")" "${non2xx:+non-2xx: $non2xx}"

depth() { api "http://127.0.0.1:$port/system/queues/faas-request" | python3 -c 'import json,sys; print(json.load(sys.stdin)["depth"])'; }
queued=$(depth)
stop_jfaas
echo "draining $queued queued calls with the worker on..." >&2
start=$(date +%s.%N)
start_jfaas true
: > "$BENCH_TMP/depths"
# CPU time of the gateway's threads by name (ticks of 10 ms), to price a drained call per thread.
thread_cpu() {
  for t in /proc/$jfaas_pid/task/*; do
    s=($(sed 's/.*) //' "$t/stat")); echo "$(tr ' ' '_' < "$t/comm") $((s[11] + s[12]))"
  done | awk '{sub(/-?[0-9]+$/, "", $1); a[$1] += $2} END {for (k in a) print k, a[k]}' | sort
}
while true; do
  d=$(depth); echo "$(date +%s.%N) $d" >> "$BENCH_TMP/depths"
  [ -s "$BENCH_TMP/cpu80" ] || { [ "$d" -le $((queued * 8 / 10)) ] && { thread_cpu > "$BENCH_TMP/cpu80"; d80=$d; }; }
  [ -s "$BENCH_TMP/cpu20" ] || { [ "$d" -le $((queued * 2 / 10)) ] && { thread_cpu > "$BENCH_TMP/cpu20"; d20=$d; }; }
  [ "$d" -gt 0 ] || break
  sleep 2 # a count of the backlog is not free: polled often, it slowed the drain it measured
done
end=$(date +%s.%N)
drain=$(awk -v n="$queued" -v a="$start" -v b="$end" 'BEGIN {print n/(b-a)}')
# Steady: from 80 % to 20 % of the backlog left, past the start-up and the JIT's warm-up.
steady=$(awk -v n="$queued" '$2 <= 0.8*n && !a {a=$1; da=$2} $2 <= 0.2*n && !b {b=$1; db=$2} END {print (da-db)/(b-a)}' "$BENCH_TMP/depths")
printf "async drain to the no-op function: %10.0f calls/s (%d calls, includes gateway start-up)\n" "$drain" "$queued"
printf "async drain, steady (80%%..20%%):   %10.0f calls/s\n" "$steady"
if [ -s "$BENCH_TMP/cpu80" ] && [ -s "$BENCH_TMP/cpu20" ]; then
  echo "gateway CPU per drained call, steady part, by thread:"
  join "$BENCH_TMP/cpu80" "$BENCH_TMP/cpu20" | awk -v n=$((d80 - d20)) '$3 > $2 && n > 0 {
    printf "  %-22s %6.1f us\n", $1, ($3 - $2) * 10000 / n; t += $3 - $2 } END {if (n > 0) printf "  %-22s %6.1f us\n", "all", t * 10000 / n}'
fi
# The sync rate again on the gateway warmed by the drain: the first was taken 10 s after a start.
sync_out=$(wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "http://127.0.0.1:$port/function/noop")
sync_warm=$(awk '/^Requests\/sec/ {print $2}' <<<"$sync_out")
printf "sync calls again, gateway warm:    %10.0f req/s\n" "$sync_warm"
awk -v d="$steady" -v s="$sync_rps" -v w="$sync_warm" 'BEGIN {m = s > w ? s : w; printf "ratio drain/sync %.2f (target >= 0.8; against the higher of the two sync rates)\n", d/m}'
echo "queue file: $(du -sh "$BENCH_TMP/jfaas/queue.db" | cut -f1)"

rate=$(awk -v d="$steady" 'BEGIN {printf "%d", d/2}')
echo "async calls at a fixed $rate/s (half the steady drain) for ${secs}s..." >&2
read -r accept_p99 start_p50 start_p99 start_max errors sampled < <("$JAVA_HOME/bin/java" "$here/AsyncLatency.java" \
  "http://127.0.0.1:$port" noop "$rate" "$secs" bench)
printf "at %d calls/s: accept p99 %.1f ms; accept-to-start p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d sampled, %d errors)\n" \
  "$rate" "$accept_p99" "$start_p50" "$start_p99" "$start_max" "$sampled" "$errors"
