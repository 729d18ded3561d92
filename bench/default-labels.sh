#!/usr/bin/env bash
# Default labels against pinned (issue #35): the no-op nginx function deployed twice on one gateway,
# pinned to one replica and with no labels at all (the autoscaler's defaults decide), called in
# turn by wrk -t2 -c64 (100-byte POSTs), interleaved rounds; prints each round, the replicas the
# default function had after it, the autoscaler's decisions, and the ratio.
#   bench/default-labels.sh [rounds=4] [seconds=10]
set -euo pipefail
rounds=${1:-4}
secs=${2:-10}
. "$(dirname "$0")/lib.sh" wrk nginx curl
port=$(free_port)
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=INFO \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "${JAR:-$root/jfaas-app/target/jfaas.jar}" up \
  > "$BENCH_TMP/jfaas.log" 2>&1 & pids+=($!)
wait_port "$port"
deploy_nginx_function "$port" pinned
deploy_nginx_function "$port" default '{}'
replicas() {
  curl -s -u admin:bench "http://127.0.0.1:$port/system/function/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["replicas"])'
}
for fn in pinned default; do
  wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "http://127.0.0.1:$port/function/$fn" > /dev/null
done
declare -A sum=([pinned]=0 [default]=0)
for round in $(seq "$rounds"); do
  order="pinned default"; [ $((round % 2)) = 0 ] && order="default pinned"
  for fn in $order; do
    r=$(wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "http://127.0.0.1:$port/function/$fn" | awk '/^Requests\/sec/ {print $2}')
    printf "round %d %-8s %10.0f req/s   replicas after: %s\n" "$round" "$fn" "$r" "$(replicas "$fn")"
    sum[$fn]=$(awk -v a="${sum[$fn]}" -v b="$r" 'BEGIN {print a+b}')
  done
done
awk -v p="${sum[pinned]}" -v d="${sum[default]}" 'BEGIN {printf "ratio default-labels/pinned %.2f (target >= 0.9)\n", d/p}'
echo "autoscaler decisions:"
grep -i "scal" "$BENCH_TMP/jfaas.log" | grep -v "^\s*at " | tail -20 || true
