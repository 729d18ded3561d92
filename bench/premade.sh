#!/usr/bin/env bash
# A sandbox made ahead for a function at zero (issue #35): the java template's function, first
# answer from zero through two gateways on one machine, one with JFAAS_SANDBOX_PREMADE=0 (A: every
# first call makes its sandbox) and one with the default (B: the sandbox waits, made, for the call);
# interleaved, each round's order rotated, each against java -version.
#   bench/premade.sh [rounds=12]
set -euo pipefail
rounds=${1:-12}
. "$(dirname "$0")/lib.sh" curl
declare -A port
for side in A B; do
  port[$side]=$(free_port)
  premade=$([ $side = A ] && echo 0 || echo 16)
  JFAAS_PORT=${port[$side]} JFAAS_DATA="$BENCH_TMP/jfaas-$side" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
    JFAAS_AUTOSCALE=false JFAAS_SANDBOX_PREMADE=$premade \
    "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$root/jfaas-app/target/jfaas.jar" up > "$BENCH_TMP/jfaas-$side.log" 2>&1 &
  pids+=($!)
done
wait_port "${port[A]}"; wait_port "${port[B]}"
cd "$BENCH_TMP"
"$root/jfaas" new --lang java hello -g "http://127.0.0.1:${port[A]}" > /dev/null
"$root/jfaas" build > /dev/null
chmod -R a+rX "$BENCH_TMP"
fprocess=$(sed -n 's/^fprocess: "\(.*\)"/\1/p' "$root/jfaas-cli/src/main/resources/dev/jfaas/cli/templates/java/template.yml")
for side in A B; do
  curl -sf -u admin:bench "http://127.0.0.1:${port[$side]}/system/functions" -d "{\"service\":\"template\",
    \"image\":\"$BENCH_TMP/hello\",\"envProcess\":\"$fprocess\",\"envVars\":{\"mode\":\"http\",\"ready_path\":\"/_/health\"},
    \"labels\":{\"com.openfaas.scale.min\":\"1\",\"com.openfaas.scale.max\":\"1\"}}" > /dev/null
done
VERSION_OF="$JAVA_HOME/bin/java" "$JAVA_HOME/bin/java" "$here/ColdStarts.java" "http://127.0.0.1:${port[A]}" bench "$rounds" / \
  "template@http://127.0.0.1:${port[A]}" "template@http://127.0.0.1:${port[B]}"
echo "(first: JFAAS_SANDBOX_PREMADE=0, second: the default)"
