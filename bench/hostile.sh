#!/usr/bin/env bash
# Hostile load (issue #13): 20,000 idle connections, slowloris headers and slow bodies against a
# gateway with the launcher's defaults, while a normal client calls a function at a fixed rate;
# its p50/p99 and errors against the same client on a quiet gateway, and the gateway's RSS.
#   bench/hostile.sh [seconds=60] [idle=20000] [slowloris=2000] [slow_bodies=500]
set -euo pipefail
secs=${1:-60}; idle=${2:-20000}; loris=${3:-2000}; bodies=${4:-500}
. "$(dirname "$0")/lib.sh" nginx python3
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
port=$(free_port)
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "$root/jfaas-app/target/jfaas.jar" up \
  > "$BENCH_TMP/jfaas.log" 2>&1 & pids+=($!)
jfaas_pid=$!
wait_port "$port"
deploy_nginx_function "$port" noop
rss() { echo $(( $(awk '/VmRSS/ {print $2}' /proc/$jfaas_pid/status) / 1024 )); }
fds() { ls /proc/$jfaas_pid/fd | wc -l; }
url="http://127.0.0.1:$port/function/noop"

"$JAVA_HOME/bin/java" "$here/FixedRateLoad.java" "$url" 500 10 > /dev/null   # warm up (JIT, connections)
echo "quiet:   $("$JAVA_HOME/bin/java" "$here/FixedRateLoad.java" "$url" 500 20)  (p50 p99 max ms, errors)   RSS $(rss) MB, $(fds) fds"
python3 "$here/Attackers.py" "$port" "$idle" "$loris" "$bodies" "$secs" > "$BENCH_TMP/attack.log" 2>&1 & attack=$!
sleep 10
echo "hostile: $("$JAVA_HOME/bin/java" "$here/FixedRateLoad.java" "$url" 500 20)  (p50 p99 max ms, errors)   RSS $(rss) MB, $(fds) fds"
wait "$attack" || true
cat "$BENCH_TMP/attack.log"
sleep 5
echo "after:   $("$JAVA_HOME/bin/java" "$here/FixedRateLoad.java" "$url" 500 20)  (p50 p99 max ms, errors)   RSS $(rss) MB, $(fds) fds"
echo "healthz after: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")"
