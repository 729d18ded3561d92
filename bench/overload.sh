#!/usr/bin/env bash
# Overload (issue #32): bursts of slow calls at once, without credentials, to a gateway with the
# launcher's defaults (96 MB heap): a forking function (`sleep 1`) and a thread-per-connection http
# function (1 s a call), one replica each. For each burst size, how the calls were answered; the
# largest burst answered with nothing but 200, 429 and 503 (with Retry-After) is the result, per mode.
#   bench/overload.sh [sizes="1000 2000 5000 10000"] [jar=jfaas-app/target/jfaas.jar]
# Statuses: -1 closed without an answer, -2 never connected, -3 a 429/503 without Retry-After,
# -4 no answer within 120 s.
set -euo pipefail
sizes=${1:-"1000 2000 5000 10000"}
. "$(dirname "$0")/lib.sh" python3 curl
jar=${2:-$root/jfaas-app/target/jfaas.jar}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
port=$(free_port)
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -XX:+ExitOnOutOfMemoryError -jar "$jar" up > "$BENCH_TMP/jfaas.log" 2>&1 &
gateway=$!; pids+=($gateway)
wait_port "$port"
pinned='{"com.openfaas.scale.min":"1","com.openfaas.scale.max":"1"}'
curl -sf -u admin:bench -X POST "http://127.0.0.1:$port/system/functions" \
  -d "{\"service\":\"sleepy\",\"image\":\"local/bench\",\"envProcess\":\"sleep 1\",\"labels\":$pinned}"
curl -sf -u admin:bench -X POST "http://127.0.0.1:$port/system/functions" -d "{\"service\":\"slow-web\",
  \"image\":\"$root/jfaas-app/src/test/resources/overload\",\"envProcess\":\"python3 -u server.py\",\"envVars\":{\"mode\":\"http\"},\"labels\":$pinned}"
for f in sleepy slow-web; do
  for _ in $(seq 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "http://127.0.0.1:$port/function/$f")" = 200 ] && break
    sleep 0.1
  done
done
burst() { "$JAVA_HOME/bin/java" -cp "$root/jfaas-app/target/test-classes" dev.jfaas.app.Burst "$@"; }
for f in sleepy slow-web; do
  best=0
  for n in $sizes; do
    kill -0 "$gateway" 2>/dev/null || { echo "$f: the gateway has exited (see $BENCH_TMP/jfaas.log)"; tail -3 "$BENCH_TMP/jfaas.log"; exit 1; }
    got=$(burst "http://127.0.0.1:$port/function/$f" "$n" 120)
    echo "$f  $n at once: $got"
    if ! grep -q -- '-' <<<"$got" && ! grep -qvE '^(200|429|503)=' < <(tr ' ' '\n' <<<"$got"); then best=$n; fi
    sleep 3   # the burst's replica work ends
  done
  echo "$f: largest burst answered with 200/429/503 only: $best"
done
kill -0 "$gateway" && echo "gateway alive, healthz $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz"), RSS $(( $(awk '/VmRSS/ {print $2}' /proc/$gateway/status) / 1024 )) MB"
