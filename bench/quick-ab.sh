#!/usr/bin/env bash
# A quick A/B of one setting: wrk -c64 on the no-op function, 8 s warm-up then 10 s.
#   bench/quick-ab.sh "JFAAS_SANDBOX=none"     (JAR=other/jfaas.jar to run another build)
set -euo pipefail
. "$(dirname "$0")/lib.sh" wrk nginx >/dev/null
port=$(free_port)
env $1 JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "${JAR:-$root/jfaas-app/target/jfaas.jar}" up > "$BENCH_TMP/jfaas.log" 2>&1 & pids+=($!)
wait_port "$port"
deploy_nginx_function "$port" bench
wrk -t2 -c64 -d8s -s "$here/post100.lua" "http://127.0.0.1:$port/function/bench" > /dev/null
wrk -t2 -c64 -d10s -s "$here/post100.lua" "http://127.0.0.1:$port/function/bench" | grep -E "Requests/sec|Non-2xx|Socket"
