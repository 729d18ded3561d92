#!/usr/bin/env bash
# Interleaved A/B of the embedded queue's drain between two builds of the gateway jar.
#   bench/drain-ab.sh OLD.jar NEW.jar [rounds=3] [fill_seconds=20] [measure_seconds=8]
# Each round, for each jar in turn: a fresh data directory, the no-op nginx function, durable accepts
# with the worker off for fill_seconds (wrk -c64), then the gateway restarted with the worker on;
# once a quarter of the backlog has run (start-up and the JIT's warm-up past), the drain rate is
# the finished attempts counted in /metrics over measure_seconds. Prints accepts/s, drain calls/s
# and the gateway's CPU per drained call for every round. The same jar twice compares settings:
#   ENV_A / ENV_B (e.g. "JFAAS_QUEUE_MAX_INFLIGHT=256"), OPTS_A / OPTS_B (JVM options).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD.jar NEW.jar [rounds] [fill_seconds] [measure_seconds]" >&2; exit 2; }
jars=("$(readlink -f "$1")" "$(readlink -f "$2")")
rounds=${3:-3}
fill=${4:-20}
measure=${5:-8}
. "$(dirname "$0")/lib.sh" wrk nginx curl
port=$(free_port)
jfaas_pid=

start_jfaas() { # $1 = jar, $2 = run the worker (true/false), $3 = A or B
  local env_var=ENV_$3 opts_var=OPTS_$3
  env JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  JFAAS_WORKER=$2 JFAAS_QUEUE_MAX_INFLIGHT=${QUEUE_INFLIGHT:-64} ${!env_var:-} \
    "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} ${!opts_var:-} -jar "$1" up >> "$BENCH_TMP/jfaas.log" 2>&1 &
  jfaas_pid=$!
  pids+=($jfaas_pid)
  wait_port "$port"
}
stop_jfaas() { kill "$jfaas_pid"; wait "$jfaas_pid" 2>/dev/null || true; jfaas_pid=; }
# Attempts finished so far, over every function and outcome.
finished() {
  curl -sf "http://127.0.0.1:$port/metrics" | awk '/^jfaas_async_attempts_total/ {s += $NF} END {printf "%d\n", s}'
}

printf "%-6s %-4s %12s %12s %14s\n" round side accepts/s drain/s "us CPU/call"
for round in $(seq "$rounds"); do
  for which in 0 1; do
    side=$([ $which = 0 ] && echo A || echo B)
    rm -rf "$BENCH_TMP/jfaas"
    start_jfaas "${jars[$which]}" false "$side"
    deploy_nginx_function "$port" noop
    wrk -t2 -c64 -d3s -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" > /dev/null
    out=$(wrk -t2 -c64 -d"${fill}s" -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop")
    accepts=$(awk '/^Requests\/sec/ {printf "%d", $2}' <<<"$out")
    queued=$(curl -sf -u admin:bench "http://127.0.0.1:$port/system/queues/faas-request" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["depth"])')
    stop_jfaas
    start_jfaas "${jars[$which]}" true "$side"
    until [ "$(finished)" -ge $((queued / 4)) ]; do sleep 0.2; done
    a=$(finished); ca=$(cpu_ticks "$jfaas_pid"); ta=$(date +%s.%N)
    sleep "$measure"
    b=$(finished); cb=$(cpu_ticks "$jfaas_pid"); tb=$(date +%s.%N)
    [ "$b" -lt "$queued" ] || echo "warning: the backlog ran out while measuring; fill longer" >&2
    awk -v r="$round" -v j="$side" -v acc="$accepts" -v n=$((b - a)) \
        -v ta="$ta" -v tb="$tb" -v c=$((cb - ca)) \
      'BEGIN {printf "%-6s %-4s %12d %12.0f %14.1f\n", r, j, acc, n / (tb - ta), (n > 0 ? c * 10000 / n : 0)}'
    stop_jfaas
  done
done
