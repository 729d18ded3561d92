#!/usr/bin/env bash
# Sync proxy benchmark (SPEC §11): the same 100-byte nginx "function" called directly, through
# nginx as a reverse proxy, and through jfaas; wrk -c64 with 100-byte POST bodies, rounds
# interleaved so drift hits all three alike; then p99 at a fixed 1k req/s, in interleaved rounds too.
#   bench/sync-proxy.sh [rounds=3] [seconds=10]
set -euo pipefail
rounds=${1:-3}
secs=${2:-10}
. "$(dirname "$0")/lib.sh" wrk nginx

# nginx as a reverse proxy on port $1 in front of port $2, its files in directory $3.
nginx_proxy() {
  mkdir -p "$3"
  sed -e "s|__PORT__|$1|g" -e "s|__UPSTREAM__|$2|g" -e "s|__DIR__|$3|g" "$here/proxy-nginx.conf.tmpl" > "$3/proxy.conf"
  nginx -c "$3/proxy.conf" & pids+=($!)
}
# MinimalProxy.java (or $4, e.g. MinimalNettyProxy.java) on port $1 in front of port $2, logging to $3.
# $5: a further argument to the proxy (MinimalHybridProxy.java's "headers").
minimal_proxy() {
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -cp "$root/jfaas-app/target/jfaas.jar" "$here/${4:-MinimalProxy.java}" \
    "$1" "$2" ${5:-} > "$3" 2>&1 & pids+=($!)
}

direct_port=$(free_port)
PORT=$direct_port sh "$here/start-function.sh" & pids+=($!)
proxy_port=$(free_port)
nginx_proxy "$proxy_port" "$direct_port" "$BENCH_TMP"

jfaas_port=$(free_port)
JFAAS_PORT=$jfaas_port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_ALLOW_HOST_NETWORK=true \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} \
  -jar "$root/jfaas-app/target/jfaas.jar" up > "$BENCH_TMP/jfaas.log" 2>&1 & pids+=($!)
jfaas_pid=$!
wait_port "$direct_port"; wait_port "$proxy_port"; wait_port "$jfaas_port"
# The pinned function on the host's network, so that nginx and the minimal proxies can be put in front
# of the very replica jfaas forwards to (a replica's own network namespace costs 0.93-1.06 x the
# host's: isolation.sh); the default-labels function below runs in its own, as a default one does.
deploy_nginx_function "$jfaas_port" bench '{"com.openfaas.scale.min":"1","com.openfaas.scale.max":"1"}' \
  '"annotations":{"com.jfaas.network":"host"}'
# The pinned function's replica: the one nginx listener that is none of ours (before bench-default has any).
replica_port=$(ss -ltnp | awk '/"nginx"/ {sub(/.*:/, "", $4); print $4}' | sort -u \
  | grep -vx -e "$direct_port" -e "$proxy_port" | head -n1)
deploy_nginx_function "$jfaas_port" bench-default '{}'
deployed=$SECONDS

vertx_port=$(free_port)
minimal_proxy "$vertx_port" "$direct_port" "$BENCH_TMP/minimal.log"
# The same two proxies in front of the replica jfaas forwards to (sandboxed, in its cgroups):
# "the same upstream" exactly.
nginx_r_port=$(free_port)
nginx_proxy "$nginx_r_port" "$replica_port" "$BENCH_TMP/r"
vertx_r_port=$(free_port)
minimal_proxy "$vertx_r_port" "$replica_port" "$BENCH_TMP/minimal-r.log"
netty_port=$(free_port)
minimal_proxy "$netty_port" "$direct_port" "$BENCH_TMP/netty.log" MinimalNettyProxy.java
hybrid_port=$(free_port)
minimal_proxy "$hybrid_port" "$direct_port" "$BENCH_TMP/hybrid.log" MinimalHybridProxy.java
netty_r_port=$(free_port)
minimal_proxy "$netty_r_port" "$replica_port" "$BENCH_TMP/netty-r.log" MinimalNettyProxy.java
hybrid_r_port=$(free_port)
minimal_proxy "$hybrid_r_port" "$replica_port" "$BENCH_TMP/hybrid-r.log" MinimalHybridProxy.java
hybrid_h_r_port=$(free_port)
minimal_proxy "$hybrid_h_r_port" "$replica_port" "$BENCH_TMP/hybrid-h-r.log" MinimalHybridProxy.java headers
wait_port "$vertx_port"; wait_port "$nginx_r_port"; wait_port "$vertx_r_port"; wait_port "$netty_port"; wait_port "$netty_r_port"; wait_port "$hybrid_port"; wait_port "$hybrid_r_port"; wait_port "$hybrid_h_r_port"
# Idle RSS 10 s after the deploys: read sooner it still holds what the JIT compiled them with
# (119 MB at 1 s, 111 at 3 s, 100 at 8 s on 2026-12-05), which the 2-second native heap trim returns.
while [ $((SECONDS - deployed)) -lt 10 ]; do sleep 0.5; done
idle_rss=$(( $(awk '/VmRSS/ {print $2}' /proc/$jfaas_pid/status) / 1024 ))

declare -A url=([direct]="http://127.0.0.1:$direct_port/" [nginx]="http://127.0.0.1:$proxy_port/"
                [vertx]="http://127.0.0.1:$vertx_port/" [nginx-r]="http://127.0.0.1:$nginx_r_port/"
                [vertx-r]="http://127.0.0.1:$vertx_r_port/" [netty]="http://127.0.0.1:$netty_port/"
                [netty-r]="http://127.0.0.1:$netty_r_port/" [hybrid]="http://127.0.0.1:$hybrid_port/"
                [hybrid-r]="http://127.0.0.1:$hybrid_r_port/" [hybrid-h-r]="http://127.0.0.1:$hybrid_h_r_port/" [jfaas]="http://127.0.0.1:$jfaas_port/function/bench"
                [default]="http://127.0.0.1:$jfaas_port/function/bench-default")
# default: the same function deployed with no labels, so the autoscaler's defaults decide its replicas.
# nginx-r, vertx-r, netty-r, hybrid-r: nginx and the minimal proxies in front of jfaas's own (sandboxed) replica.
# netty: the smallest proxy on raw Netty, below Vert.x's HTTP layer; hybrid: Vert.x's server, raw Netty's client;
# hybrid-h-r: the hybrid on the replica adding the headers jfaas adds as OpenFaaS does (call id, times, forwarded).
targets="direct nginx vertx netty hybrid nginx-r vertx-r netty-r hybrid-r hybrid-h-r jfaas default"
# jfaas's rate still climbs for 20-30 s of load (the JIT compiles its larger path later than a
# minimal proxy's): measured cold, it was under-read by up to a third (bench/README.md, eighth session).
echo "warming up (JIT): 30 s for jfaas, 20 s for each minimal proxy..." >&2
wrk -t2 -c64 -d30s -s "$here/post100.lua" "${url[jfaas]}" > /dev/null
for target in vertx vertx-r netty netty-r hybrid hybrid-r hybrid-h-r default; do
  wrk -t2 -c64 -d20s -s "$here/post100.lua" "${url[$target]}" > /dev/null
done

declare -A rps p50 p99
for target in $targets; do rps[$target]=0; done
# the gateway's allocation per call on the pinned function
jfaas_bytes=0; jfaas_calls=0
for round in $(seq "$rounds"); do
  for target in $targets; do
    [ "$target" = jfaas ] && a0=$(allocated_bytes "$jfaas_port")
    out=$(wrk -t2 -c64 -d"${secs}s" --latency -s "$here/post100.lua" "${url[$target]}")
    r=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    if [ -z "$r" ] || [ "${r%.*}" = 0 ]; then # say why rather than print a bare 0
      echo "$target answered nothing: $out" >&2
      for log in "$BENCH_TMP/$target.log" "$BENCH_TMP/minimal.log"; do [ -f "$log" ] && tail -20 "$log" >&2; done
      r=0
    fi
    if [ "$target" = jfaas ]; then
      jfaas_bytes=$((jfaas_bytes + $(allocated_bytes "$jfaas_port") - a0))
      jfaas_calls=$(awk -v c="$jfaas_calls" -v r="$r" -v t="$secs" 'BEGIN {printf "%.0f", c + r * t}')
    fi
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    printf "round %d %-7s %10.0f req/s  p50 %-8s p99 %-8s %s\n" "$round" "$target" "$r" \
      "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")" "${non2xx:+non-2xx: $non2xx}"
    rps[$target]=$(awk -v a="${rps[$target]}" -v b="$r" 'BEGIN {print a+b}')
  done
done
echo
for target in $targets; do
  printf "mean %-7s %10.0f req/s\n" "$target" "$(awk -v a="${rps[$target]}" -v n="$rounds" 'BEGIN {print a/n}')"
done
awk -v j="${rps[jfaas]}" -v n="${rps[nginx]}" -v d="${rps[direct]}" -v v="${rps[vertx]}" \
  'BEGIN {printf "ratio jfaas/nginx %.2f   jfaas/direct %.2f   nginx/direct %.2f   minimal-vertx/nginx %.2f   jfaas/minimal-vertx %.2f   (target jfaas/nginx >= 1.0)\n", j/n, j/d, n/d, v/n, j/v}'
awk -v j="${rps[jfaas]}" -v n="${rps[nginx-r]}" -v v="${rps[vertx-r]}" -v d="${rps[nginx]}" \
  'BEGIN {printf "ratio jfaas/nginx-same-replica %.2f   jfaas/minimal-vertx-same-replica %.2f   nginx-same-replica/nginx %.2f   (the replica jfaas forwards to, port '"$replica_port"')\n", j/n, j/v, n/d}'
awk -v t="${rps[netty]}" -v n="${rps[nginx]}" -v v="${rps[vertx]}" -v tr="${rps[netty-r]}" -v nr="${rps[nginx-r]}" \
  -v h="${rps[hybrid]}" \
  'BEGIN {printf "ratio minimal-netty/nginx %.2f   minimal-netty/minimal-vertx %.2f   same replica: minimal-netty/nginx %.2f   vertx-server+netty-client/minimal-vertx %.2f\n", t/n, t/v, tr/nr, h/v}'
awk -v j="${rps[jfaas]}" -v h="${rps[hybrid-r]}" -v t="${rps[netty-r]}" -v hh="${rps[hybrid-h-r]}" \
  'BEGIN {printf "ratio same replica: jfaas/hybrid %.2f (what jfaas adds to the smallest proxy on its server and client) = hybrid-with-openfaas-headers/hybrid %.2f x jfaas/hybrid-with-headers %.2f   jfaas/minimal-netty %.2f\n", j/h, hh/h, j/hh, j/t}'
awk -v b="$jfaas_bytes" -v c="$jfaas_calls" 'BEGIN {printf "jfaas allocated per call: %.0f bytes (target <= 3750: half of 7,500 on 2026-12-07)\n", b / c}'
awk -v j="${rps[jfaas]}" -v f="${rps[default]}" \
  'BEGIN {printf "ratio default-labels/pinned %.2f (target >= 0.9)\n", f/j}'
echo "replicas of the default-labels function after its rounds: $(curl -s -u admin:bench "http://127.0.0.1:$jfaas_port/system/function/bench-default" | python3 -c 'import json,sys; print(json.load(sys.stdin)["replicas"])')"

echo
# Tail latency here moves by milliseconds from one run to the next (the load generator shares the
# two cores), so the added p99 is taken per round against direct in the same round, then the median.
fixed_rounds=${FIXED_ROUNDS:-3}
echo "p99 at a fixed 1000 req/s, $fixed_rounds interleaved rounds of 15 s (ms: p50 p99 max errors):"
for round in $(seq "$fixed_rounds"); do
  # hybrid-r: what the smallest proxy on jfaas's server, client and replica adds, beside what jfaas adds
  for target in direct nginx hybrid-r jfaas; do
    printf "round %d %-8s %s\n" "$round" "$target" "$("$JAVA_HOME/bin/java" "$here/FixedRateLoad.java" "${url[$target]}" 1000 15)"
  done
done | tee "$BENCH_TMP/fixed.txt"
added() { # $1 = column (4: p50, 5: p99), $2 = target: its value minus direct's per round, the median of the rounds
  awk -v c="$1" -v t="$2" '$3=="direct" {d[$2]=$c} $3==t {j[$2]=$c} END {for (r in j) print j[r] - d[r]}' "$BENCH_TMP/fixed.txt" |
    sort -g | awk '{v[NR] = $1} END {printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
echo "added p99 jfaas - direct, median of $fixed_rounds rounds: $(added 5 jfaas) ms (target <= 1 ms); added p50 $(added 4 jfaas) ms"
echo "  the same for nginx: p99 $(added 5 nginx) ms, p50 $(added 4 nginx) ms; for the hybrid proxy on jfaas's replica: p99 $(added 5 hybrid-r) ms, p50 $(added 4 hybrid-r) ms"
echo "jfaas RSS idle: $idle_rss MB, after load: $(( $(awk '/VmRSS/ {print $2}' /proc/$jfaas_pid/status) / 1024 )) MB (targets 100 / 150)"
