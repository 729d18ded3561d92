#!/usr/bin/env bash
# Fair and adaptive async queues (issue #34), on the embedded queue, interleaved rounds:
#  1. Fairness: function "slow" (sleep 1, max_inflight 2) gets BACKLOG queued calls, then "quick"
#     (the no-op nginx function) a steady 10 calls/s for 10 s: quick's accept-to-start p99 with
#     the backlog ÷ without it, each on a fresh gateway (goal <= 2).
#  2. Adaptive concurrency, OpenFaaS's published test scaled to 2 cores: 200 async calls to a
#     function that takes 0.2 s and answers 429 past 2 calls at once, on 2 replicas (jfaas cannot
#     see that limit): time to finish ÷ the ideal (200 × 0.2 s ÷ 4 = 10 s; goal <= 1.3), attempts
#     the function saw ÷ calls (goal <= 1.3), dead letters (goal 0); against the same with
#     JFAAS_QUEUE_ADAPTIVE=false (the 429 retried with backoff as a failed attempt).
#   bench/async-fair.sh [rounds=3]    BACKLOG=100000 by default; PARTS="fair adaptive" by default
set -euo pipefail
rounds=${1:-3}
backlog=${BACKLOG:-100000}
parts=${PARTS:-fair adaptive}
. "$(dirname "$0")/lib.sh" nginx curl
port=$(free_port)
jar="$root/jfaas-app/target/jfaas.jar"
jfaas_pid=

start_jfaas() { # extra settings as NAME=value arguments
  rm -rf "$BENCH_TMP/jfaas"
  env JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN "$@" \
    "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$jar" up >> "$BENCH_TMP/jfaas.log" 2>&1 &
  jfaas_pid=$!
  pids+=($jfaas_pid)
  wait_port "$port"
}
stop_jfaas() { kill "$jfaas_pid"; wait "$jfaas_pid" 2>/dev/null || true; jfaas_pid=; }
api() { curl -sf -u admin:bench "$@"; }
deploy() { api -X POST "http://127.0.0.1:$port/system/functions" -d "$1" > /dev/null; }
latency() { # quick's accept-to-start p99 (ms) at 10 calls/s for 10 s
  "$JAVA_HOME/bin/java" "$here/AsyncLatency.java" "http://127.0.0.1:$port" quick 10 10 bench | awk '{print $3}'
}

fair_round() { # $1 = backlog size (0 = none); prints quick's start p99 in ms
  start_jfaas
  deploy '{"service":"slow","image":"local/bench","envProcess":"sleep 1","envVars":{"max_inflight":"2"}}'
  deploy_nginx_function "$port" quick
  if [ "$1" -gt 0 ]; then
    # open loop at 5,000/s until the backlog is in (AsyncLatency's start sample is not waited for here)
    local secs=$(( ($1 + 4999) / 5000 ))
    timeout $((secs + 60)) "$JAVA_HOME/bin/java" "$here/AsyncLatency.java" "http://127.0.0.1:$port" slow 5000 "$secs" bench \
      > /dev/null 2>&1 || true
    echo "  backlog: $(api "http://127.0.0.1:$port/system/queues/faas-request" | python3 -c 'import json,sys; print(json.load(sys.stdin)["depth"])') calls of slow" >&2
  fi
  latency
  stop_jfaas
}

pushy_dir="$BENCH_TMP/pushy"
mkdir -p "$pushy_dir" && chmod 777 "$pushy_dir"
cat > "$pushy_dir/server.py" <<'PY'
import http.server, os, threading, time
lock, busy = threading.Lock(), [0]
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            full = busy[0] >= 2
            busy[0] += 0 if full else 1
        if full:
            self.send_response(429); body = b"busy"
        else:
            time.sleep(0.2)
            with lock: busy[0] -= 1
            self.send_response(200); body = b"done"
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
class Listener(http.server.ThreadingHTTPServer):
    request_queue_size = 1024
Listener(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
PY
chmod 644 "$pushy_dir/server.py"

deploy_pushy() { # on 2 replicas, waiting until both are ready
  deploy "{\"service\":\"pushy\",\"image\":\"$pushy_dir\",\"envProcess\":\"python3 -u server.py\",\"envVars\":{\"mode\":\"http\"},
    \"labels\":{\"com.openfaas.scale.min\":\"2\",\"com.openfaas.scale.max\":\"2\"}}"
  for _ in $(seq 200); do
    [ "$(api "http://127.0.0.1:$port/system/function/pushy" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("availableReplicas", 0))')" = 2 ] && break
    sleep 0.1
  done
}

# What the function allows at best, for scale: the 200 calls sync, exactly 4 at once (curl).
reference_round() {
  start_jfaas
  deploy_pushy
  for i in $(seq 200); do printf 'url = "http://127.0.0.1:%s/function/pushy"\noutput = "/dev/null"\n' "$port"; done \
    > "$BENCH_TMP/sync-urls"
  local start; start=$(date +%s.%N)
  curl -s --no-progress-meter -X POST -d x --parallel --parallel-max 4 -K "$BENCH_TMP/sync-urls"
  local end; end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f\n", b - a}'
  stop_jfaas
}

adaptive_round() { # $1 = JFAAS_QUEUE_ADAPTIVE; prints "seconds attempts dead"
  start_jfaas JFAAS_QUEUE_ADAPTIVE=$1
  deploy_pushy
  local start; start=$(date +%s.%N)
  for i in $(seq 200); do printf 'url = "http://127.0.0.1:%s/async-function/pushy"\noutput = "/dev/null"\n' "$port"; done \
    > "$BENCH_TMP/urls"
  curl -s --no-progress-meter -X POST -d x --parallel --parallel-max 50 -K "$BENCH_TMP/urls"
  while true; do
    local left; left=$(api "http://127.0.0.1:$port/system/queues/faas-request" | python3 -c 'import json,sys; q=json.load(sys.stdin); print(q["depth"] + q["inFlight"])')
    [ "$left" = 0 ] && break
    sleep 0.05
  done
  local end; end=$(date +%s.%N)
  local tries dead
  tries=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^jfaas_async_attempts_total\{function_name="pushy.openfaas-fn"/ {s += $2} END {print s + 0}')
  dead=$(api "http://127.0.0.1:$port/system/queues/faas-request" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dead"])')
  awk -v a="$start" -v b="$end" -v t="$tries" -v d="$dead" 'BEGIN {printf "%.2f %d %d\n", b - a, t, d}'
  stop_jfaas
}

without=() with=() on=() off=() ref=()
for r in $(seq "$rounds"); do
  echo "round $r of $rounds" >&2
  if [[ " $parts " == *" fair "* ]]; then
    without+=("$(fair_round 0)")
    with+=("$(fair_round "$backlog")")
    echo "  quick p99 without/with backlog: ${without[-1]} / ${with[-1]} ms" >&2
  fi
  if [[ " $parts " == *" adaptive "* ]]; then
    on+=("$(adaptive_round true)")
    off+=("$(adaptive_round false)")
    ref+=("$(reference_round)")
    echo "  adaptive on: ${on[-1]}; off: ${off[-1]}  (s attempts dead); sync, 4 at once: ${ref[-1]} s" >&2
  fi
done
if [ ${#with[@]} -gt 0 ]; then
  p_without=$(median "${without[*]}")
  p_with=$(median "${with[*]}")
  printf "fairness: quick's accept-to-start p99 %.1f ms without, %.1f ms with %d calls of slow queued: ratio %.2f (goal <= 2)\n" \
    "$p_without" "$p_with" "$backlog" "$(awk -v a="$p_with" -v b="$p_without" 'BEGIN {print a / b}')"
fi
[ ${#on[@]} -gt 0 ] || exit 0
best=$(median "${ref[*]}")
printf "the same 200 calls sync, exactly 4 at once: %.2f s = %.2f x ideal (what the function allows at best here)\n" \
  "$best" "$(awk -v s="$best" 'BEGIN {print s / 10}')"
for mode in on off; do
  declare -n runs=$mode
  secs=$(median "$(for x in "${runs[@]}"; do echo "${x%% *}"; done | tr '\n' ' ')")
  tries=$(median "$(for x in "${runs[@]}"; do x=${x#* }; echo "${x%% *}"; done | tr '\n' ' ')")
  dead=$(median "$(for x in "${runs[@]}"; do echo "${x##* }"; done | tr '\n' ' ')")
  printf "adaptive %-3s: 200 calls in %.2f s = %.2f x ideal (goal <= 1.3), %s tries = %.2f per call (goal <= 1.3), %s dead letters\n" \
    "$mode" "$secs" "$(awk -v s="$secs" 'BEGIN {print s / 10}')" "$tries" "$(awk -v t="$tries" 'BEGIN {print t / 200}')" "$dead"
done
