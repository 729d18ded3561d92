#!/usr/bin/env bash
# The java template (issues #16, #35): cold start to the first 200 through the gateway with default
# flags, with C1 only + SerialGC and a class data sharing archive, with the same and the AOT cache
# jfaas build makes on JDK 25, and as the template starts it (java.sh); each against java -version,
# interleaved; and a no-op Java function's throughput against the nginx function.
#   bench/java-function.sh [rounds=10] [seconds=10]
set -euo pipefail
rounds=${1:-10}; secs=${2:-10}
. "$(dirname "$0")/lib.sh" wrk nginx curl
port=$(free_port)
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_AUTOSCALE=false \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "$root/jfaas-app/target/jfaas.jar" up \
  > "$BENCH_TMP/jfaas.log" 2>&1 & pids+=($!)
wait_port "$port"
cd "$BENCH_TMP"
"$root/jfaas" new --lang java hello -g "http://127.0.0.1:$port" > /dev/null
"$root/jfaas" build > /dev/null
chmod -R a+rX "$BENCH_TMP"
java="$JAVA_HOME/bin/java"
deploy() { # name fprocess
  curl -sf -u admin:bench "http://127.0.0.1:$port/system/functions" -d "{\"service\":\"$1\",\"image\":\"$BENCH_TMP/hello\",
    \"envProcess\":\"$2\",\"envVars\":{\"mode\":\"http\",\"ready_path\":\"/_/health\"},
    \"labels\":{\"com.openfaas.scale.min\":\"1\",\"com.openfaas.scale.max\":\"1\"}}" > /dev/null
}
# jfaas build made the AOT cache (JDK 25); the class data sharing archive of JDKs before it is made here too
(cd hello && JFAAS_TRAIN=1 "$java" -XX:ArchiveClassesAtExit=target/app.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -jar target/function.jar > /dev/null 2>&1 && chmod a+r target/app.jsa)
flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
deploy plain "$java -jar target/function.jar"
deploy cds "$java $flags -XX:SharedArchiveFile=target/app.jsa -Xshare:auto -Xlog:cds=off -jar target/function.jar"
deploy aot "$java $flags -XX:AOTCache=target/app.aot -Xlog:aot=off -Xlog:cds=off -jar target/function.jar"
deploy template "$(sed -n 's/^fprocess: "\(.*\)"/\1/p' "$root/jfaas-cli/src/main/resources/dev/jfaas/cli/templates/java/template.yml")"
VERSION_OF="$java" "$JAVA_HOME/bin/java" "$here/ColdStarts.java" "http://127.0.0.1:$port" bench "$rounds" / plain cds aot template
deploy_nginx_function "$port" nginx
for fn in template nginx; do
  curl -s -o /dev/null -X POST "http://127.0.0.1:$port/function/$fn"
  wrk -t2 -c64 -d5s -s "$here/post100.lua" "http://127.0.0.1:$port/function/$fn" > /dev/null
done
for round in 1 2; do
  for fn in template nginx; do
    printf "round %d %-6s %s\n" "$round" "$fn" "$(wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "http://127.0.0.1:$port/function/$fn" | awk '/^Requests\/sec/ {print $2 " req/s"}')"
  done
done
