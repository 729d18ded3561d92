#!/usr/bin/env bash
# Interleaved A/B of the standalone worker's drain on a broker between two builds of the jar.
#   bench/worker-ab.sh OLD.jar NEW.jar [nats|redis] [rounds=4] [fill_seconds=4]
# One gateway (OLD.jar, worker off) on the broker with the no-op nginx function, and one standalone
# worker of each jar (--concurrency 64). Both workers are warmed on two backlogs first. Each
# round, for each jar in turn: both workers stopped (SIGSTOP), a backlog queued for fill_seconds
# (wrk -c64), then only that jar's worker let go (SIGCONT) and timed until 95 % of it has run.
# Prints calls/s per round and the medians, and each process's CPU per drained call.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD.jar NEW.jar [nats|redis] [rounds] [fill_seconds]" >&2; exit 2; }
jars=("$(readlink -f "$1")" "$(readlink -f "$2")")
broker=${3:-nats}
rounds=${4:-4}
fill_secs=${5:-4}
. "$(dirname "$0")/lib.sh" wrk nginx curl
broker_url=$(broker_url "$broker") || { echo "broker: nats or redis" >&2; exit 2; }
prefix=ab$$
port=$(free_port)
trap 'remove_broker_queue "$broker_url" "$prefix" "${jars[0]}"; cleanup' EXIT
start_broker_gateway "${jars[0]}" "$broker_url" "$prefix"
gateway=$gateway_pid
deploy_nginx_function "$port" noop

depth() { # calls not yet finished, from the metrics scrape (the broker's own counts)
  local d
  until d=$(curl -sf -m 10 "http://127.0.0.1:$port/metrics" | awk '/^jfaas_queue_depth\{/ {n += $NF} END {printf "%d", n}'); do sleep 0.2; done
  echo "$d"
}
settled_depth() { depth > /dev/null; sleep 1.2; depth; } # the scrape serves the last count and refreshes it behind
fill() { wrk -t2 -c64 -d"$1"s -s "$here/post100-status.lua" "http://127.0.0.1:$port/async-function/noop" > /dev/null; }
# Until 95 % of the backlog has run; prints what is left. The last few calls are left out because a
# worker stopped with SIGSTOP while a fetch was open holds what that fetch brought until the
# broker's redelivery wait (60 s) sends it again: counting those would time the wait, not the drain.
drain_most() { local left; while left=$(depth); [ "$left" -gt $(($1 / 20)) ]; do sleep 0.1; done; echo "$left"; }

workers=()
for jar in "${jars[@]}"; do
  JFAAS_GATEWAY_PASSWORD=bench "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${WORKER_OPTS:-} -jar "$jar" worker --broker "$broker_url" \
    --prefix "$prefix" --gateway "http://127.0.0.1:$port" --concurrency 64 >> "$BENCH_TMP/worker.log" 2>&1 &
  workers+=($!)
  pids+=($!)
done
server=$(pgrep -x "${broker}-server" | head -1 || true)
echo "warming up both workers..." >&2
for w in 0 1; do
  kill -STOP "${workers[$((1 - w))]}"
  fill "$fill_secs"; drain_most 2000 > /dev/null; fill "$fill_secs"; drain_most 2000 > /dev/null
  kill -CONT "${workers[$((1 - w))]}"
done

rates=([0]="" [1]="")
for round in $(seq "$rounds"); do
  for w in 0 1; do
    kill -STOP "${workers[@]}"
    fill "$fill_secs"; queued=$(settled_depth)
    before=($(cpu_ticks "${workers[$w]}") $(cpu_ticks "$gateway") $(cpu_ticks "$server"))
    t=$(date +%s.%N)
    kill -CONT "${workers[$w]}"
    left=$(drain_most "$queued")
    after=($(cpu_ticks "${workers[$w]}") $(cpu_ticks "$gateway") $(cpu_ticks "$server"))
    kill -CONT "${workers[@]}"
    queued=$((queued - left))
    rate=$(awk -v q="$queued" -v a="$t" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", q / (b - a)}')
    rates[$w]="${rates[$w]} $rate"
    awk -v r="$round" -v j="$([ $w = 0 ] && echo A || echo B)" -v rate="$rate" -v q="$queued" \
      -v w="$((after[0] - before[0]))" -v g="$((after[1] - before[1]))" -v s="$((after[2] - before[2]))" \
      'BEGIN {printf "round %d %s: %6d calls/s (%d calls); CPU per call: worker %.0f us, gateway %.0f us, broker %.0f us\n",
        r, j, rate, q, w * 10000 / q, g * 10000 / q, s * 10000 / q}'
  done
done
printf "median A %s  B %s calls/s  (A: %s; B: %s)\n" "$(median "${rates[0]}")" "$(median "${rates[1]}")" "${jars[0]}" "${jars[1]}"
# What the gateway answered the workers, by status (a 429 is back-pressure the workers adapt to).
curl -s "http://127.0.0.1:$port/metrics" | awk '/^gateway_function_invocation_total/ {match($0, /code="[0-9]+"/); c[substr($0, RSTART + 6, 3)] += $NF}
  END {printf "gateway answers:"; for (k in c) printf " %s x %d", k, c[k]; print ""}'
