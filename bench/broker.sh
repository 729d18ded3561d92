#!/usr/bin/env bash
# Async on a broker (issue #4): accepts/s through a gateway on NATS JetStream or Redis as a ratio to
# the raw client publish rate measured in the same run (target >= 0.7), then how fast 1 and then 2
# standalone workers drain the queue into a no-op http function, from a worker's start and warm.
#   bench/broker.sh [nats|redis] [seconds=10]   (servers at $NATS_URL / $REDIS_URL, default on 127.0.0.1)
set -euo pipefail
broker=${1:-nats}
secs=${2:-10}
. "$(dirname "$0")/lib.sh" wrk nginx curl
broker_url=$(broker_url "$broker") || { echo "usage: bench/broker.sh [nats|redis] [seconds]" >&2; exit 2; }
raw_rate=$([ "$broker" = nats ] && echo NatsPublishRate.java || echo RedisPublishRate.java)
prefix=bench$$
port=$(free_port)
jar="$root/jfaas-app/target/jfaas.jar"
trap 'remove_broker_queue "$broker_url" "$prefix" "$jar"; cleanup' EXIT
start_broker_gateway "$jar" "$broker_url" "$prefix"
deploy_nginx_function "$port" noop

# The JIT takes 15-25 s of accepts to settle on the broker clients' paths (NATS accepts per 8 s:
# 4.9k, 10.1k, 12.5k, 12.2k/s in one run): a short warm-up measured the compiler, not the gateway.
echo "warming up (${WARM:-20} s)..." >&2
wrk -t2 -c64 -d"${WARM:-20}s" -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" > /dev/null
raw=$("$JAVA_HOME/bin/java" -cp "$jar" "$here/$raw_rate" "$broker_url" "$secs" async)
raw_sync=$("$JAVA_HOME/bin/java" -cp "$jar" "$here/$raw_rate" "$broker_url" "$secs" sync)
accept_out=$(wrk -t2 -c64 -d"${secs}s" --latency -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop")
accept_rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$accept_out")
raw2=$("$JAVA_HOME/bin/java" -cp "$jar" "$here/$raw_rate" "$broker_url" "$secs" async)
# The same gateway's sync rate to the same function: the HTTP edge's ceiling for a no-op, and the
# denominator of the drain target (a standalone worker's calls/s >= 0.3 of it).
sync_rps=$(wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "http://127.0.0.1:$port/function/noop" | awk '/^Requests\/sec/ {print $2}')
printf "raw %-5s client, async (64 in flight):     %8.0f and %8.0f msg/s (before and after)\n" "$broker" "$raw" "$raw2"
printf "raw %-5s client, 64 sync publishers:       %8.0f msg/s\n" "$broker" "$raw_sync"
printf "jfaas async accepts on %-5s (wrk -c64):    %8.0f req/s  p99 %s\n" "$broker" "$accept_rps" "$(awk '$1=="99%" {print $2}' <<<"$accept_out")"
printf "jfaas sync calls to the function (wrk -c64): %8.0f req/s\n" "$sync_rps"
awk -v a="$accept_rps" -v r="$raw" -v r2="$raw2" -v s="$raw_sync" -v y="$sync_rps" \
  'BEGIN {printf "ratio accepts/raw async %.2f (target >= 0.7); accepts/raw sync %.2f; accepts/jfaas sync %.2f\n", a/((r+r2)/2), a/s, a/y}'

depth() { # calls not yet finished, from the metrics scrape (the broker's own counts, at most a second old)
  local d
  until d=$(curl -sf -m 10 "http://127.0.0.1:$port/metrics" | awk '/^jfaas_queue_depth\{/ {n += $NF} END {printf "%d", n}'); do sleep 0.2; done
  echo "$d"
}
settled_depth() { depth > /dev/null; sleep 1.2; depth; } # the scrape serves the last count and refreshes it behind
fill() {
  local out
  out=$(wrk -t2 -c64 -d"$1"s -s "$here/post100-status.lua" "http://127.0.0.1:$port/async-function/noop")
  grep -q "Non-2xx" <<<"$out" && { echo "filling the queue failed: $(grep Non-2xx <<<"$out")" >&2; tail -20 "$BENCH_TMP/jfaas.log" >&2; }
  return 0
}
wpids=()
start_worker() {
  JFAAS_GATEWAY_PASSWORD=bench "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$jar" worker --broker "$broker_url" \
    --prefix "$prefix" --gateway "http://127.0.0.1:$port" --concurrency 64 >> "$BENCH_TMP/worker.log" 2>&1 &
  wpids+=($!); pids+=($!)
}
drained() { # waits for an empty queue; prints calls/s since $1 (start time) for $2 calls
  while [ "$(depth)" -gt 0 ]; do sleep 0.2; done
  awk -v q="$2" -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", q/(b-a)}'
}
# A worker just started spends its first half minute compiling (on two slow cores the JIT takes
# most of a core), so a drain that includes start-up mostly measures the JIT. That figure is
# printed once; the others drain a backlog queued while the warm workers were stopped (SIGSTOP),
# timed from when they go on (SIGCONT).
fill 4; queued=$(settled_depth); t=$(date +%s.%N); start_worker
printf "drain with 1 worker, from its start:  %8.0f calls/s (%d calls)\n" "$(drained "$t" "$queued")" "$queued"
for workers in 1 2; do
  [ "$workers" = 2 ] && { start_worker; fill 4; drained "$(date +%s.%N)" 1 > /dev/null; } # warm the second one
  rates=()
  for round in 1 2 3; do
    kill -STOP "${wpids[@]}"; fill 4; queued=$(settled_depth)
    kill -CONT "${wpids[@]}"; rates+=("$(drained "$(date +%s.%N)" "$queued")")
  done
  median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)
  printf "drain with %d warm worker(s):          %8s calls/s (median of %s; %d calls each); / jfaas sync %.2f (target >= 0.3)\n" \
    "$workers" "$median" "${rates[*]}" "$queued" "$(awk -v m="$median" -v y="$sync_rps" 'BEGIN {print m/y}')"
done
kill "${wpids[@]}"; wait "${wpids[@]}" 2>/dev/null || true
