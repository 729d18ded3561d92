# Sourced by the benchmarks: JDK, a fresh build, a temp dir cleaned on exit, and small helpers.
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
root=$(dirname "$here")
. "$root/scripts/jdk.sh"
for tool in "$@"; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install wrk nginx-light curl" >&2; exit 1; }
done
(cd "$root" && mvn -q -B -DskipTests install)

export BENCH_TMP=$(mktemp -d /tmp/jfaas-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pkill -f "$BENCH_TMP" 2>/dev/null || true
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done
  echo "port $1 never opened" >&2; exit 1
}
# Deploys the no-op function (nginx answering 100 bytes, one replica) as $2 on the jfaas at port $1
# (password "bench") and waits until it answers. $3: its labels as JSON (default: pinned to one
# replica; '{}' leaves it to the autoscaler's defaults, as a user's first deploy would).
deploy_nginx_function() {
  local labels=${3:-'{"com.openfaas.scale.min":"1","com.openfaas.scale.max":"1"}'}
  curl -sf -u admin:bench -X POST "http://127.0.0.1:$1/system/functions" -d "{\"service\":\"$2\",\"image\":\"$here\",
  \"envProcess\":\"sh start-function.sh\",\"envVars\":{\"mode\":\"http\",\"BENCH_TMP\":\"$BENCH_TMP\"},\"labels\":$labels${4:+,$4}}"
  for _ in $(seq 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$1/function/$2")" = 200 ] && return 0
    sleep 0.05
  done
}
# Removes what a broker benchmark made on its server: $1 = broker URL (nats:// or redis://),
# $2 = the installation prefix, $3 = a jfaas jar (NatsCleanup.java runs on its jnats).
remove_broker_queue() {
  case "$1" in
    nats://*) "$JAVA_HOME/bin/java" -cp "$3" "$here/NatsCleanup.java" "$1" "$2" || true ;;
    *) redis-cli -u "$1" --scan --pattern "$2:*" | xargs -r redis-cli -u "$1" unlink > /dev/null || true ;;
  esac
}
# Starts a gateway (worker off) on the broker at $2 with prefix $3 from jar $1, on $port; sets gateway_pid.
start_broker_gateway() {
  JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_WORKER=false \
  JFAAS_QUEUE=$2 JFAAS_QUEUE_PREFIX=$3 \
    "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$1" up >> "$BENCH_TMP/jfaas.log" 2>&1 &
  gateway_pid=$!
  pids+=($gateway_pid)
  wait_port "$port"
}
# The URL of broker $1 (nats or redis) as the benchmarks reach it; fails for any other name.
broker_url() {
  case "$1" in
    nats) echo "${NATS_URL:-nats://127.0.0.1:4222}" ;;
    redis) echo "${REDIS_URL:-redis://127.0.0.1:6379}" ;;
    *) return 1 ;;
  esac
}
# CPU time (user + system, in clock ticks) process $1 has used so far; 0 without a process.
cpu_ticks() {
  [ -n "${1:-}" ] || { echo 0; return; }
  local s; s=($(sed 's/.*) //' "/proc/$1/stat")); echo $((s[11] + s[12]))
}
# The median of the numbers in $1 (separated by spaces).
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# Bytes the gateway on port $1 has allocated so far (young generation, counted at each GC by
# Micrometer's JvmGcMetrics): read around a run and divide by its calls; off by at most one young
# generation.
allocated_bytes() {
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^jvm_gc_memory_allocated_bytes_total/ {printf "%.0f", $2}'
}
# Starts gateways A and B side by side for an interleaved A/B, from JAR_A / JAR_B (default: this
# checkout's build) with OPTS_A / OPTS_B after the launcher's JVM options; fills the caller's
# associative arrays port and pid (declare -A port pid first).
start_ab_gateways() {
  local side jar_var opts_var
  for side in A B; do
    jar_var=JAR_$side; opts_var=OPTS_$side
    port[$side]=$(free_port)
    JFAAS_PORT=${port[$side]} JFAAS_DATA="$BENCH_TMP/jfaas-$side" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
      "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${!opts_var:-} -jar "${!jar_var:-$root/jfaas-app/target/jfaas.jar}" up \
      > "$BENCH_TMP/jfaas-$side.log" 2>&1 &
    pid[$side]=$!
    pids+=($!)
  done
}
