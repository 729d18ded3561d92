#!/usr/bin/env bash
# Async on a broker (issue #4): accepts/s through a gateway on NATS JetStream or Redis as a ratio to
# the raw client publish rate measured in the same run (target >= 0.7), then how fast 1 and then 2
# standalone workers drain the queue into a no-op http function.
#   bench/broker.sh [nats|redis] [seconds=10]   (servers at $NATS_URL / $REDIS_URL, default on 127.0.0.1)
set -euo pipefail
broker=${1:-nats}
secs=${2:-10}
. "$(dirname "$0")/lib.sh" wrk nginx curl
case "$broker" in
  nats) broker_url=${NATS_URL:-nats://127.0.0.1:4222}; raw_rate=NatsPublishRate.java ;;
  redis) broker_url=${REDIS_URL:-redis://127.0.0.1:6379}; raw_rate=RedisPublishRate.java ;;
  *) echo "usage: bench/broker.sh [nats|redis] [seconds]" >&2; exit 2 ;;
esac
prefix=bench$$
port=$(free_port)
jar="$root/jfaas-app/target/jfaas.jar"
remove_queue() {
  if [ "$broker" = nats ]; then
    "$JAVA_HOME/bin/java" -cp "$jar" "$here/NatsCleanup.java" "$broker_url" "$prefix" || true
  else
    redis-cli -u "$broker_url" --scan --pattern "$prefix:*" | xargs -r redis-cli -u "$broker_url" unlink > /dev/null || true
  fi
}
trap 'remove_queue; cleanup' EXIT

JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_WORKER=false \
JFAAS_QUEUE=$broker_url JFAAS_QUEUE_PREFIX=$prefix \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$jar" up >> "$BENCH_TMP/jfaas.log" 2>&1 &
pids+=($!)
wait_port "$port"
deploy_nginx_function "$port" noop

echo "warming up..." >&2
wrk -t2 -c64 -d3s -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" > /dev/null
raw=$("$JAVA_HOME/bin/java" -cp "$jar" "$here/$raw_rate" "$broker_url" "$secs" async)
raw_sync=$("$JAVA_HOME/bin/java" -cp "$jar" "$here/$raw_rate" "$broker_url" "$secs" sync)
accept_out=$(wrk -t2 -c64 -d"${secs}s" --latency -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop")
accept_rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$accept_out")
raw2=$("$JAVA_HOME/bin/java" -cp "$jar" "$here/$raw_rate" "$broker_url" "$secs" async)
printf "raw %-5s client, async (64 in flight):     %8.0f and %8.0f msg/s (before and after)\n" "$broker" "$raw" "$raw2"
printf "raw %-5s client, 64 sync publishers:       %8.0f msg/s\n" "$broker" "$raw_sync"
printf "jfaas async accepts on %-5s (wrk -c64):    %8.0f req/s  p99 %s\n" "$broker" "$accept_rps" "$(awk '$1=="99%" {print $2}' <<<"$accept_out")"
awk -v a="$accept_rps" -v r="$raw" -v r2="$raw2" -v s="$raw_sync" \
  'BEGIN {printf "ratio accepts/raw async %.2f (target >= 0.7); accepts/raw sync %.2f\n", a/((r+r2)/2), a/s}'

depth() { # calls not yet finished, from the metrics scrape (the broker's own counts, at most a second old)
  local d
  until d=$(curl -sf -m 10 "http://127.0.0.1:$port/metrics" | awk '/^jfaas_queue_depth\{/ {n += $NF} END {printf "%d", n}'); do sleep 0.2; done
  echo "$d"
}
drain() { # $1 = workers; drains what is queued, prints calls/s
  local n=$1 queued start end wpids=()
  depth > /dev/null; sleep 1.2 # the scrape serves the last count and refreshes it behind
  queued=$(depth)
  start=$(date +%s.%N)
  for _ in $(seq "$n"); do
    JFAAS_GATEWAY_PASSWORD=bench "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$jar" worker --broker "$broker_url" \
      --prefix "$prefix" --gateway "http://127.0.0.1:$port" --concurrency 64 >> "$BENCH_TMP/worker.log" 2>&1 &
    wpids+=($!); pids+=($!)
  done
  while [ "$(depth)" -gt 0 ]; do sleep 0.2; done
  end=$(date +%s.%N)
  kill "${wpids[@]}"; wait "${wpids[@]}" 2>/dev/null || true
  awk -v q="$queued" -v a="$start" -v b="$end" -v n="$n" 'BEGIN {printf "drain with %d worker(s): %8.0f calls/s (%d calls, includes worker start-up)\n", n, q/(b-a), q}'
}
drain 1 > /dev/null # empty the accept run's backlog; then equal backlogs for 1 and 2 workers
for workers in 1 2; do
  fill=$(wrk -t2 -c64 -d4s -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop")
  grep -q "Non-2xx" <<<"$fill" && { echo "filling the queue failed: $(grep Non-2xx <<<"$fill")" >&2; tail -20 "$BENCH_TMP/jfaas.log" >&2; }
  drain "$workers"
done
