#!/usr/bin/env bash
# Scaling benchmark (SPEC §11): cold-start latency jfaas adds beyond the process's own
# start-to-ready time, and the per-call cost of serializing mode beyond a bare fork.
#   bench/scaling.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh" nginx
port=$(free_port)
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_AUTOSCALE=false \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "$root/jfaas-app/target/jfaas.jar" up \
  > "$BENCH_TMP/jfaas.log" 2>&1 &
pids+=($!)
wait_port "$port"
"$JAVA_HOME/bin/java" "$here/ColdStart.java" "http://127.0.0.1:$port" bench "$here" "$BENCH_TMP"
