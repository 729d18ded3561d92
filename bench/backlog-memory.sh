#!/usr/bin/env bash
# A gateway on a broker with a large backlog (worker off) stays within its heap and keeps serving:
# accepts for `fill` seconds, then sync calls in rounds of 5 s for 75 s, past the minutely sweep of
# finished calls. Prints each round's rate, then the gateway's CPU over 65 s idle (the sweep's
# share), whether it is still alive and its RSS. Before the sweep pulled documents in batches, a
# NATS backlog of ~300k calls filled the 96 MB heap within that minute and the gateway exited; until
# it read only documents written before the retention, it read the whole backlog each minute
# (bench/README.md).
#   bench/backlog-memory.sh [nats|redis] [fill=30]
set -euo pipefail
broker=${1:-nats}
fill=${2:-30}
. "$(dirname "$0")/lib.sh" wrk nginx curl
broker_url=$(broker_url "$broker") || { echo "broker: nats or redis" >&2; exit 2; }
prefix=backlog$$
port=$(free_port)
jar="${JAR:-$root/jfaas-app/target/jfaas.jar}"
trap 'remove_broker_queue "$broker_url" "$prefix" "$jar"; cleanup' EXIT
start_broker_gateway "$jar" "$broker_url" "$prefix"
deploy_nginx_function "$port" noop
wrk -t2 -c64 -d"${fill}s" -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" | awk '/^Requests\/sec/ {printf "accepts: %.0f/s for '"$fill"' s\n", $2}'
for round in $(seq 15); do
  printf "sync round %2d: " "$round"
  wrk -t2 -c64 -d5s -s "$here/post100.lua" "http://127.0.0.1:$port/function/noop" 2>&1 |
    awk '/^Requests\/sec/ {printf "%.0f req/s", $2} /unable to connect|Non-2xx/ {printf " %s", $0} END {print ""}'
done
ticks=$(cpu_ticks "$gateway_pid")
sleep 65
echo "idle 65 s: gateway CPU $(( ($(cpu_ticks "$gateway_pid") - ticks) * 1000 / $(getconf CLK_TCK) )) ms"
if kill -0 "$gateway_pid" 2>/dev/null; then
  echo "gateway alive, RSS $(( $(awk '/VmRSS/ {print $2}' "/proc/$gateway_pid/status") / 1024 )) MB"
else
  echo "gateway DIED: $(grep -v '^WARNING' "$BENCH_TMP/jfaas.log" | tail -1)"; exit 1
fi
