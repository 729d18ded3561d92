#!/usr/bin/env bash
# Interleaved A/B of async accepts between two builds of the jar, on a broker or the embedded queue.
#   bench/accept-ab.sh OLD.jar NEW.jar [nats|redis|embedded] [rounds=4] [seconds=8]
# Each round, for each jar in turn: a fresh gateway (worker off, a fresh queue) with the no-op nginx
# function, WARM (15) s of warm-up (the JIT takes that long to settle on a broker client's paths),
# then `seconds` of wrk -c64 POSTs to /async-function; prints accepts/s, p99 and the CPU per accept
# of the gateway and of the broker's server, then the medians.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD.jar NEW.jar [nats|redis|embedded] [rounds] [seconds]" >&2; exit 2; }
jars=("$(readlink -f "$1")" "$(readlink -f "$2")")
broker=${3:-embedded}
rounds=${4:-4}
secs=${5:-8}
. "$(dirname "$0")/lib.sh" wrk nginx curl
if [ "$broker" = embedded ]; then broker_url=embedded
else broker_url=$(broker_url "$broker") || { echo "queue: nats, redis or embedded" >&2; exit 2; }; fi
port=$(free_port)
server=$( [ "$broker" = embedded ] || pgrep -x "${broker}-server" | head -1 || true)
prefix=
trap '[ -z "$prefix" ] || [ "$broker" = embedded ] || remove_broker_queue "$broker_url" "$prefix" "${jars[0]}"; cleanup' EXIT

rates=([0]="" [1]="")
for round in $(seq "$rounds"); do
  order="0 1"; [ $((round % 2)) = 0 ] && order="1 0"
  for j in $order; do
    prefix=acc$$r$round$j
    rm -rf "$BENCH_TMP/jfaas"
    start_broker_gateway "${jars[$j]}" "$broker_url" "$prefix"
    deploy_nginx_function "$port" noop
    wrk -t2 -c64 -d"${WARM:-15}s" -s "$here/post100-status.lua" "http://127.0.0.1:$port/async-function/noop" > /dev/null
    before=($(cpu_ticks "$gateway_pid") $(cpu_ticks "$server"))
    out=$(wrk -t2 -c64 -d"${secs}s" --latency -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop")
    after=($(cpu_ticks "$gateway_pid") $(cpu_ticks "$server"))
    kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true
    [ "$broker" = embedded ] || remove_broker_queue "$broker_url" "$prefix" "${jars[0]}"; prefix=
    rate=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    rates[$j]="${rates[$j]} $rate"
    awk -v r="$round" -v s="$([ $j = 0 ] && echo A || echo B)" -v rate="$rate" -v t="$secs" \
      -v g="$((after[0] - before[0]))" -v b="$((after[1] - before[1]))" '
      $1 == "99%" {p99 = $2} /Non-2xx|Socket errors/ {bad = bad " " $0}
      END {printf "round %d %s: %6d accepts/s  p99 %-8s CPU per accept: gateway %.0f us, broker %.0f us%s\n",
        r, s, rate, p99, g * 10000 / (rate * t), b * 10000 / (rate * t), bad}' <<<"$out"
  done
done
printf "median A %s  B %s accepts/s  (A: %s; B: %s)\n" "$(median "${rates[0]}")" "$(median "${rates[1]}")" "${jars[0]}" "${jars[1]}"
