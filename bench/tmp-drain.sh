. "$(dirname "$0")/lib.sh" wrk nginx curl > /dev/null 2>&1
port=$(free_port)
start_jfaas() {
  JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
  JFAAS_WORKER=$1 JFAAS_QUEUE_MAX_INFLIGHT=${QUEUE_INFLIGHT:-64} \
    "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS $2 -jar "${JAR:-$root/jfaas-app/target/jfaas.jar}" up >> "$BENCH_TMP/jfaas.log" 2>&1 &
  jfaas_pid=$!; pids+=($jfaas_pid); wait_port "$port"
}
api() { curl -sf -u admin:bench "$@"; }
depth() { api "http://127.0.0.1:$port/system/queues/faas-request" | python3 -c 'import json,sys; print(json.load(sys.stdin)["depth"])'; }
start_jfaas false
deploy_nginx_function "$port" noop
wrk -t2 -c64 -d${FILL:-6}s -s "$here/post100.lua" "http://127.0.0.1:$port/async-function/noop" | grep Requests/sec
queued=$(depth); kill $jfaas_pid; wait $jfaas_pid 2>/dev/null; [ -n "${KEEP:-}" ] && cp $BENCH_TMP/jfaas/queue.db* /tmp/rss/ && exit 0
start=$(date +%s.%N)
start_jfaas true "${PROFILE:+-XX:StartFlightRecording=settings=profile,filename=/tmp/rss/drain.jfr}"
(sleep 11; top -b -n 2 -d 3 | grep -A12 "^top" | tail -8 > /tmp/rss/top.txt) & (sleep 10; for t in /proc/$jfaas_pid/task/*; do echo "$(cat $t/comm) $(awk "{print \$14+\$15}" $t/stat)"; done > /tmp/rss/t0; sleep 5; for t in /proc/$jfaas_pid/task/*; do echo "$(cat $t/comm) $(awk "{print \$14+\$15}" $t/stat)"; done > /tmp/rss/t1) & : > /tmp/rss/depths; for i in $(seq 600); do d=$(depth); echo "$(date +%s.%N) $d" >> /tmp/rss/depths; [ "$d" -gt 0 ] || break; sleep 0.5; done
awk -v n="$queued" '$2 <= 0.8*n && !a {a=$1; da=$2} $2 <= 0.2*n && !b {b=$1; db=$2} END {printf "steady (80%%..20%% of the backlog): %.0f calls/s\n", (da-db)/(b-a)}' /tmp/rss/depths; echo "depth now $(depth)"; grep -v DBG $BENCH_TMP/jfaas.log | tail -20
end=$(date +%s.%N)
awk -v n="$queued" -v a="$start" -v b="$end" 'BEGIN {printf "drained %d at %.0f calls/s\n", n, n/(b-a)}'
[ -n "${PROFILE:-}" ] && jcmd $jfaas_pid JFR.dump filename=/tmp/rss/drain.jfr > /dev/null
kill $jfaas_pid; grep DBG $BENCH_TMP/jfaas.log | tail -12
