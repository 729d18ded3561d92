#!/usr/bin/env bash
# Interleaved A/B of the sync path: two gateways side by side, each with the pinned no-op function,
# called in turn by wrk -t2 -c64 (100-byte POSTs); each round measures A then B (B then A on even
# rounds), and prints req/s, p99, and each gateway's CPU and allocated bytes per call.
#   bench/sync-ab.sh [rounds=6] [seconds=10]
# A and B differ by jar and/or JVM options:
#   JAR_A, JAR_B     (default: this checkout's build)
#   OPTS_A, OPTS_B   extra JVM options, after the launcher's defaults
set -euo pipefail
rounds=${1:-6}
secs=${2:-10}
. "$(dirname "$0")/lib.sh" wrk nginx curl
declare -A port pid
start_ab_gateways
for side in A B; do
  wait_port "${port[$side]}"
  deploy_nginx_function "${port[$side]}" bench
  wrk -t2 -c64 -d5s -s "$here/post100.lua" "http://127.0.0.1:${port[$side]}/function/bench" > /dev/null
done
printf "%-6s %-5s %10s %9s %12s %12s\n" round side req/s p99 "us CPU/call" "bytes/call"
for round in $(seq "$rounds"); do
  order="A B"; [ $((round % 2)) = 0 ] && order="B A"
  for side in $order; do
    c0=$(cpu_ticks "${pid[$side]}")
    a0=$(allocated_bytes "${port[$side]}")
    out=$(wrk -t2 -c64 -d"${secs}s" --latency -s "$here/post100.lua" "http://127.0.0.1:${port[$side]}/function/bench")
    c1=$(cpu_ticks "${pid[$side]}")
    a1=$(allocated_bytes "${port[$side]}")
    awk -v r="$round" -v s="$side" -v c=$((c1 - c0)) -v t="$secs" -v a=$((a1 - a0)) '
      /^Requests\/sec/ {rps = $2} $1 == "99%" {p99 = $2} /Non-2xx|Socket errors/ {bad = bad " " $0}
      END {printf "%-6s %-5s %10.0f %9s %12.1f %12.0f%s\n", r, s, rps, p99, c * 10000 / (rps * t), a / (rps * t), bad}' <<<"$out"
  done
done
for side in A B; do echo "RSS $side: $(( $(awk '/VmRSS/ {print $2}' "/proc/${pid[$side]}/status") / 1024 )) MB"; done
