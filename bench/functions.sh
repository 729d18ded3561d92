#!/usr/bin/env bash
# 1,000 functions deployed at zero (SPEC §11): RSS added and GET /system/functions time.
#   bench/functions.sh [count=1000]
set -euo pipefail
count=${1:-1000}
. "$(dirname "$0")/lib.sh" curl
port=$(free_port)
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_DURABILITY=normal \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "$root/jfaas-app/target/jfaas.jar" up \
  > "$BENCH_TMP/jfaas.log" 2>&1 & pids+=($!)
jfaas_pid=$!
wait_port "$port"
sleep 2
"$JAVA_HOME/bin/java" "$here/ManyFunctions.java" "http://127.0.0.1:$port" bench "$jfaas_pid" "$count"
