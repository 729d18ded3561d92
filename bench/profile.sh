#!/usr/bin/env bash
# Where the gateway's time goes under wrk -c64 on the no-op function: a JFR recording of 15 s, the
# hottest frames (top of stack) and the hottest jfaas frames anywhere in the stacks.
#   bench/profile.sh ["JFAAS_SANDBOX=none"]     (JAR=other/jfaas.jar to profile another build)
set -euo pipefail
. "$(dirname "$0")/lib.sh" wrk nginx >/dev/null
port=$(free_port)
env ${1:-X=1} JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "${JAR:-$root/jfaas-app/target/jfaas.jar}" up > "$BENCH_TMP/jfaas.log" 2>&1 &
jfaas_pid=$!; pids+=($jfaas_pid)
wait_port "$port"
deploy_nginx_function "$port" bench
wrk -t2 -c64 -d8s -s "$here/post100.lua" "http://127.0.0.1:$port/function/bench" > /dev/null
"$JAVA_HOME/bin/jcmd" "$jfaas_pid" JFR.start name=p settings=profile filename="$BENCH_TMP/p.jfr" > /dev/null
wrk -t2 -c64 -d15s -s "$here/post100.lua" "http://127.0.0.1:$port/function/bench" | grep Requests/sec
"$JAVA_HOME/bin/jcmd" "$jfaas_pid" JFR.stop name=p > /dev/null
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$BENCH_TMP/p.jfr" > "$BENCH_TMP/samples.txt"
echo "top frames:"
awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print}' "$BENCH_TMP/samples.txt" | sort | uniq -c | sort -rn | head -25
echo "jfaas frames anywhere:"
grep -oE "dev\.jfaas\.[A-Za-z0-9_.$]+\(" "$BENCH_TMP/samples.txt" | sort | uniq -c | sort -rn | head -25
echo "samples: $(grep -c 'jdk.ExecutionSample' "$BENCH_TMP/samples.txt")"
