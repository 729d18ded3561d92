#!/usr/bin/env bash
# How quickly the CLI answers (issue #33: within 4x a bare `java -version`): a gateway runs, then
# rounds alternate `java -version`, `./jfaas version` and `./jfaas list` (after a login), each timed
# from the shell; prints the medians and the ratios to java -version.
#   bench/cli-start.sh [rounds=15]
set -euo pipefail
rounds=${1:-15}
. "$(dirname "$0")/lib.sh" curl
port=$(free_port)
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/data" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$root/jfaas-app/target/jfaas.jar" up > "$BENCH_TMP/gateway.log" 2>&1 &
pids+=($!)
wait_port "$port"
export OPENFAAS_CONFIG="$BENCH_TMP/cli"
"$root/jfaas" login -g "http://127.0.0.1:$port" -p bench > /dev/null
"$root/jfaas" list -g "http://127.0.0.1:$port" > /dev/null   # the first run after a build starts making the CLI's archive
jar="$root/jfaas-app/target/jfaas.jar"
for _ in $(seq 120); do
  [ ! -d "${jar%.jar}-cli.aot.making" ] && break
  sleep 0.5
done
ms() { local start end; start=$(date +%s%N); "$@" > /dev/null 2>&1 || true; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
declare -a java version list
for _ in $(seq "$rounds"); do
  java+=("$(ms "$JAVA_HOME/bin/java" -version)")
  version+=("$(ms "$root/jfaas" version -g "http://127.0.0.1:$port")")
  list+=("$(ms "$root/jfaas" list -g "http://127.0.0.1:$port")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
j=$(median "${java[@]}"); v=$(median "${version[@]}"); l=$(median "${list[@]}")
printf "%-22s %8s %8s\n" command "median" "÷ java"
printf "%-22s %6s ms %8s\n" "java -version" "$j" "1"
printf "%-22s %6s ms %8s\n" "jfaas version" "$v" "$(awk -v a="$v" -v b="$j" 'BEGIN {printf "%.1f", a / b}')"
printf "%-22s %6s ms %8s\n" "jfaas list" "$l" "$(awk -v a="$l" -v b="$j" 'BEGIN {printf "%.1f", a / b}')"
