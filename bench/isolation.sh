#!/usr/bin/env bash
# What containment costs (issue 30), measured side by side in one run, in interleaved rounds:
#   1. sync req/s (wrk -t2 -c64, 100-byte POSTs) through the pinned nginx function in a network
#      namespace of its own (the default) ÷ the same function on the host's network
#      (com.jfaas.network=host, allowed for this run): goal ≥ 0.9;
#   2. cold start of a replica (scaled to 0, then called), own network vs host: goal ≤ +10 ms;
#   3. a forking call (cat, one at a time), own network vs host, and, with BASE_JAR set to a build
#      from before the containment work (e.g. eb64663), against that build's: goal ≤ +0.5 ms.
#   bench/isolation.sh [rounds=5] [seconds=10]
set -euo pipefail
rounds=${1:-5}
secs=${2:-10}
. "$(dirname "$0")/lib.sh" wrk nginx curl
start_gateway() { # $1 = name, $2 = jar; sets started_port (not in a subshell: pids must reach the cleanup)
  started_port=$(free_port)
  JFAAS_PORT=$started_port JFAAS_DATA="$BENCH_TMP/jfaas-$1" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  JFAAS_AUTOSCALE=false JFAAS_ALLOW_HOST_NETWORK=true \
    "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$2" up > "$BENCH_TMP/jfaas-$1.log" 2>&1 &
  pids+=($!)
  wait_port "$started_port"
}
start_gateway this "$root/jfaas-app/target/jfaas.jar"
port=$started_port
pinned='{"com.openfaas.scale.min":"1","com.openfaas.scale.max":"1"}'
deploy() { # $1 = port, $2 = name, $3 = extra JSON fields
  curl -sf -u admin:bench -X POST "http://127.0.0.1:$1/system/functions" -d "{\"service\":\"$2\",$3}" > /dev/null
  for _ in $(seq 400); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "http://127.0.0.1:$1/function/$2")" = 200 ] && return 0
    sleep 0.05
  done
  echo "$2 never answered" >&2; exit 1
}
nginx_fn="\"image\":\"$here\",\"envProcess\":\"sh start-function.sh\",\"envVars\":{\"mode\":\"http\",\"BENCH_TMP\":\"$BENCH_TMP\"},\"labels\":$pinned"
deploy "$port" own "$nginx_fn"
deploy "$port" host "$nginx_fn,\"annotations\":{\"com.jfaas.network\":\"host\"}"
deploy "$port" fork-own "\"image\":\"jfaas/cat\",\"envProcess\":\"cat\",\"labels\":$pinned"
deploy "$port" fork-host "\"image\":\"jfaas/cat\",\"envProcess\":\"cat\",\"labels\":$pinned,\"annotations\":{\"com.jfaas.network\":\"host\"}"
for fn in own host; do wrk -t2 -c64 -d3s -s "$here/post100.lua" "http://127.0.0.1:$port/function/$fn" > /dev/null; done

echo "== 1. sync req/s, $rounds interleaved rounds of ${secs}s"
own=""; host=""
for round in $(seq "$rounds"); do
  order="own host"; [ $((round % 2)) = 0 ] && order="host own"
  for fn in $order; do
    rps=$(wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "http://127.0.0.1:$port/function/$fn" | awk '/^Requests\/sec/ {printf "%.0f", $2}')
    printf "round %s %-5s %8s req/s\n" "$round" "$fn" "$rps"
    if [ "$fn" = own ]; then own="$own $rps"; else host="$host $rps"; fi
  done
done
m_own=$(median "$own"); m_host=$(median "$host")
echo "median: own network $m_own, host network $m_host req/s; ratio $(awk -v a="$m_own" -v b="$m_host" 'BEGIN {printf "%.2f", a / b}') (goal >= 0.9)"

echo "== 2. cold start (scale to 0, first call), interleaved"
"$JAVA_HOME/bin/java" "$here/ColdStarts.java" "http://127.0.0.1:$port" bench "$((rounds * 3))" / host own

echo "== 3. a forking call (cat), one at a time"
targets=("fork-host=http://127.0.0.1:$port/function/fork-host" "fork-own=http://127.0.0.1:$port/function/fork-own")
if [ -n "${BASE_JAR:-}" ]; then
  start_gateway base "$BASE_JAR"
  base_port=$started_port
  deploy "$base_port" fork "\"image\":\"jfaas/cat\",\"envProcess\":\"cat\",\"labels\":$pinned"
  targets=("base=http://127.0.0.1:$base_port/function/fork" "${targets[@]}")
fi
"$JAVA_HOME/bin/java" "$here/CallLatency.java" "$rounds" 400 "${targets[@]}"
