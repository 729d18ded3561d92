#!/usr/bin/env bash
# The embedded queue with a million calls waiting (issue #14): accepts/s at that backlog against
# accepts/s on a near-empty queue, live heap after a full GC at both (flat within 10 %), and how
# fast the worker drains from that backlog once warm. About 1.2 GB of disk, a few minutes.
#   bench/queue-million.sh [calls=1000000] [seconds=10]
set -euo pipefail
target=${1:-1000000}
secs=${2:-10}
. "$(dirname "$0")/lib.sh" wrk nginx curl
port=$(free_port)
jfaas_pid=
start_jfaas() { # $1 = run the worker (true/false)
  JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  JFAAS_WORKER=$1 JFAAS_QUEUE_MAX_INFLIGHT=${QUEUE_INFLIGHT:-64} \
    "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "$root/jfaas-app/target/jfaas.jar" up \
    >> "$BENCH_TMP/jfaas.log" 2>&1 &
  jfaas_pid=$!; pids+=($jfaas_pid)
  wait_port "$port"
}
api() { curl -sf -u admin:bench "$@"; }
depth() { api "http://127.0.0.1:$port/system/queues/faas-request" | python3 -c 'import json,sys; print(json.load(sys.stdin)["depth"])'; }
live_mb() { "$JAVA_HOME/bin/jcmd" "$jfaas_pid" GC.class_histogram | awk '/^Total/ {printf "%.1f", $3/1048576}'; }
accepts() { wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" | awk '/^Requests\/sec/ {print $2}'; }

start_jfaas false
deploy_nginx_function "$port" noop
wrk -t2 -c64 -d5s -s "$here/post100.lua" "http://127.0.0.1:$port/function/noop" > /dev/null
wrk -t2 -c64 -d1s -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" > /dev/null
small=$(depth); small_heap=$(live_mb)
empty_rate=$(accepts)
echo "near-empty queue ($small queued): live heap $small_heap MB, accepts $empty_rate/s"
while [ "$(depth)" -lt "$target" ]; do
  wrk -t2 -c64 -d20s -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" > /dev/null
  echo "  $(depth) queued" >&2
done
big=$(depth); big_heap=$(live_mb)
big_rate=$(accepts)
echo "full queue ($big queued): live heap $big_heap MB, accepts $big_rate/s"
awk -v a="$big_rate" -v b="$empty_rate" -v h="$big_heap" -v s="$small_heap" \
  'BEGIN {printf "ratio accepts full/empty %.2f (target >= 0.8); live heap full/empty %.2f (target <= 1.10)\n", a/b, h/s}'

kill "$jfaas_pid"; wait "$jfaas_pid" 2>/dev/null || true
start_jfaas true
sleep 15
d0=$(depth); t0=$(date +%s.%N)
sleep 30
d1=$(depth); t1=$(date +%s.%N)
awk -v a="$d0" -v b="$d1" -v s="$t0" -v e="$t1" 'BEGIN {printf "drain at that backlog (30 s, after 15 s of warm-up): %.0f calls/s\n", (a-b)/(e-s)}'
echo "queue file: $(du -sh "$BENCH_TMP/jfaas/queue.db" | cut -f1)"
