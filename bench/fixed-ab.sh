#!/usr/bin/env bash
# Interleaved A/B of tail latency at a fixed rate: two gateways side by side, each with the pinned
# no-op function, called in turn at RATE calls/s for SECONDS by FixedRateLoad (open loop, timed from
# when each call was due); each round measures A then B (B then A on even rounds) and prints p50,
# p99, max, errors, and the young collections each gateway made in the round.
#   bench/fixed-ab.sh [rounds=4] [seconds=15] [rate=1000]
# A and B differ by jar and/or JVM options: JAR_A, JAR_B, OPTS_A, OPTS_B (as sync-ab.sh).
set -euo pipefail
rounds=${1:-4}; secs=${2:-15}; rate=${3:-1000}
. "$(dirname "$0")/lib.sh" nginx curl
declare -A port pid
start_ab_gateways
gcs() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^jvm_gc_pause_seconds_count/ && /minor/ {n += $NF} END {printf "%d", n}'; }
for side in A B; do
  wait_port "${port[$side]}"
  deploy_nginx_function "${port[$side]}" bench
  "$JAVA_HOME/bin/java" "$here/FixedRateLoad.java" "http://127.0.0.1:${port[$side]}/function/bench" "$rate" 8 > /dev/null
done
printf "%-6s %-5s %9s %9s %9s %7s %10s\n" round side "p50 ms" "p99 ms" "max ms" errors "young GCs"
for round in $(seq "$rounds"); do
  order="A B"; [ $((round % 2)) = 0 ] && order="B A"
  for side in $order; do
    g0=$(gcs "${port[$side]}")
    read -r p50 p99 max errors < <("$JAVA_HOME/bin/java" "$here/FixedRateLoad.java" "http://127.0.0.1:${port[$side]}/function/bench" "$rate" "$secs")
    printf "%-6s %-5s %9s %9s %9s %7s %10s\n" "$round" "$side" "$p50" "$p99" "$max" "$errors" $(( $(gcs "${port[$side]}") - g0 ))
  done
done
