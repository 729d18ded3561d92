#!/usr/bin/env bash
# Soak (issue #13): 2,000 keep-alive connections for 10 minutes against a sync function and
# /healthz, with the launcher's defaults: errors, RSS and open descriptors before, during and
# after, which must come back to where they started.
#   bench/soak.sh [seconds=600] [connections=2000]
set -euo pipefail
secs=${1:-600}; conns=${2:-2000}
. "$(dirname "$0")/lib.sh" wrk nginx
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
echo "before: RSS $(rss) MB, $(fds) fds"
wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s "$here/post100.lua" "http://127.0.0.1:$port/function/noop" \
  > "$BENCH_TMP/fn.txt" 2>&1 &
w1=$!
wrk -t1 -c50 -d"${secs}s" --timeout 10s "http://127.0.0.1:$port/healthz" > "$BENCH_TMP/health.txt" 2>&1 &
w2=$!
for i in $(seq 1 $(( secs / 60 > 0 ? secs / 60 : 1 ))); do
  sleep $(( secs < 60 ? secs / 2 : 60 ))
  echo "during (${i}): RSS $(rss) MB, $(fds) fds"
done
wait $w1 $w2 || true
echo "function: $(grep -E 'Requests/sec|Socket errors|Non-2xx' "$BENCH_TMP/fn.txt" | tr '\n' ' ')"
echo "healthz:  $(grep -E 'Requests/sec|Socket errors|Non-2xx' "$BENCH_TMP/health.txt" | tr '\n' ' ')"
sleep 70   # past the keep-alive idle timeout, so what the load held is let go
echo "after:  RSS $(rss) MB, $(fds) fds"
