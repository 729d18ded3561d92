#!/usr/bin/env bash
# Scaling benchmark (SPEC §11): cold-start latency jfaas adds beyond the process's own
# start-to-ready time, and the per-call cost of serializing mode beyond a bare fork.
#   bench/scaling.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$root/scripts/jdk.sh"
command -v nginx >/dev/null || { echo "needs nginx: apt-get install nginx-light" >&2; exit 1; }
(cd "$root" && mvn -q -B -DskipTests install)
export BENCH_TMP=$(mktemp -d /tmp/jfaas-bench.XXXXXX)
jfaas_pid=
cleanup() {
  [ -n "$jfaas_pid" ] && kill "$jfaas_pid" 2>/dev/null || true
  pkill -f "$BENCH_TMP" 2>/dev/null || true
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_AUTOSCALE=false \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "$root/jfaas-app/target/jfaas.jar" up \
  > "$BENCH_TMP/jfaas.log" 2>&1 &
jfaas_pid=$!
for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
"$JAVA_HOME/bin/java" "$here/ColdStart.java" "http://127.0.0.1:$port" bench "$here" "$BENCH_TMP"
