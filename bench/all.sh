#!/usr/bin/env bash
# Every benchmark of issue #14 in one go, then one table: each measure, its result and its target.
# Takes about 30 minutes on a 2-core machine; the brokers' rows need NATS and Redis (skipped with a
# note if they are not there). Each bench's whole output is kept in $ALL_OUT (default bench/out).
#   bench/all.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${ALL_OUT:-$here/out}
mkdir -p "$out"
run() { # name, script, args...
  local name=$1; shift
  echo "== $name: $*" >&2
  bash "$here/$1" "${@:2}" > "$out/$name.txt" 2>&1 || echo "   $name failed: see $out/$name.txt" >&2
}
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

run sync sync-proxy.sh 3 10
run async async.sh 10
run million queue-million.sh 1000000 10
run functions functions.sh 1000
run java java-function.sh 10 5
run premade premade.sh 8
if up 4222; then run nats broker.sh nats 10; fi
if up 6379; then run redis broker.sh redis 10; fi

pick() { # file, awk program: prints the value or "–"
  local value
  value=$(awk "$2" "$out/$1.txt" 2>/dev/null | head -n1)
  echo "${value:-–}"
}
row() { printf "| %-58s | %-22s | %-12s |\n" "$1" "$2" "$3"; }
echo
row "measure (ratios within one run)" "result" "target"
row "---" "---" "---"
row "sync req/s jfaas ÷ nginx, one pinned replica" "$(pick sync '/^ratio jfaas\/nginx/ {print $3}')" "≥ 1.0"
row "sync jfaas ÷ nginx, both in front of jfaas's own sandboxed replica" "$(pick sync '/^ratio jfaas\/nginx-same-replica/ {print $3" (÷ minimal Vert.x on it "$5")"}')" "(reported)"
row "jfaas ÷ the hybrid proxy on that replica (÷ it with OpenFaaS's headers)" "$(pick sync '/^ratio same replica: jfaas\/hybrid/ {for (i=1;i<=NF;i++) if ($i=="jfaas/hybrid-with-headers") h=$(i+1); print $5" ("h")"}')" "(reported)"
row "smallest raw Netty proxy ÷ nginx (the design step's ceiling)" "$(pick sync '/^ratio minimal-netty\/nginx/ {print $3" (÷ minimal Vert.x "$5")"}')" "(reported)"
row "sync, default labels ÷ pinned" "$(pick sync '/^ratio default-labels/ {print $3}')" "≥ 0.9"
row "p99 added over direct at 1k req/s" "$(pick sync '/^added p99/ {print $10" ms (median)"}')" "≤ 1 ms"
row "gateway bytes allocated per sync call" "$(pick sync '/^jfaas allocated per call/ {print $5}')" "≤ 3,750 (½ of 12-07)"
row "java template, first answer from zero ÷ java -version" "$(pick java '/^cold start template/ {print $(NF-3)}')" "≤ 3"
row "  the same, its sandbox made ahead (JFAAS_SANDBOX_PREMADE)" "$(pick premade '/^cold start/ {n++; if (n == 2) print $(NF-3)}')" "≤ 3"
row "RSS just after start / after sync load" "$(pick sync '/RSS idle/ {print $4" / "$8" MB"}')" "≤ 100 / 150 MB"
row "durable accepts/s, 64 clients" "$(pick async '/durable async accepts/ {print $6}')" "≥ 20,000"
row "embedded drain (steady) ÷ sync" "$(pick async '/^ratio drain\/sync/ {print $3}')" "≥ 0.8"
row "async accept-to-start p99 at half the drain rate" "$(pick async '/accept-to-start/ {for (i=1;i<=NF;i++) if ($i=="p99") v=$(i+1); print v" ms"}')" "(reported)"
row "accepts at 1M queued ÷ near-empty" "$(pick million '/^ratio accepts/ {print $4}')" "≥ 0.8"
row "live heap at 1M queued ÷ near-empty" "$(pick million '/^ratio accepts/ {print $(NF-3)}')" "≤ 1.10"
row "drain at 1M queued" "$(pick million '/^drain at that backlog/ {print $(NF-1)" calls/s"}')" "(reported)"
row "1,000 functions at zero: RSS added" "$(pick functions '/functions at zero/ {for (i=1;i<=NF;i++) if ($i=="(added") print $(i+1)" MB"}')" "≤ 50 MB"
row "GET /system/functions with 1,000" "$(pick functions '/functions at zero/ {for (i=1;i<=NF;i++) if ($i=="in" && $(i+2)=="ms") print $(i+1)" ms"}')" "≤ 50 ms"
row "JetStream accepts ÷ raw async publish" "$(pick nats '/^ratio accepts\/raw async/ {print $4}')" "≥ 0.7"
row "Redis accepts ÷ raw async XADD" "$(pick redis '/^ratio accepts\/raw async/ {print $4}')" "≥ 0.7"
warm_drain='/drain with 1 warm worker/ {for (i=1;i<=NF;i++) if ($i=="sync") r=$(i+1); print r" ("$6" calls/s)"}'
row "JetStream accepts ÷ the gateway's sync rate (its HTTP edge)" "$(pick nats '/^ratio accepts\/raw async/ {print $NF}')" "(reported)"
row "Redis accepts ÷ the gateway's sync rate (its HTTP edge)" "$(pick redis '/^ratio accepts\/raw async/ {print $NF}')" "(reported)"
row "standalone worker drain on NATS ÷ sync, warm" "$(pick nats "$warm_drain")" "≥ 0.3"
row "standalone worker drain on Redis ÷ sync, warm" "$(pick redis "$warm_drain")" "≥ 0.3"
