#!/usr/bin/env bash
# Image benchmark (issue #12): cold start of an http replica from an OCI image (busybox httpd,
# unpacked once) against the same command on the host's root, interleaved rounds in one run.
#   bench/images.sh [rounds=15]
set -euo pipefail
rounds=${1:-15}
. "$(dirname "$0")/lib.sh" umoci skopeo
start='exec busybox httpd -f -p 127.0.0.1:$PORT -h /home/app/www'
host_dir="$BENCH_TMP/host-fn"; mkdir -p "$host_dir/www"; echo ok > "$host_dir/www/index.html"; echo "$start" > "$host_dir/start.sh"
chmod -R a+rX "$BENCH_TMP"
layout="$BENCH_TMP/layout"; umoci init --layout "$layout"; umoci new --image "$layout:img"
umoci unpack --image "$layout:img" "$BENCH_TMP/bundle" > /dev/null
rootfs="$BENCH_TMP/bundle/rootfs"; mkdir -p "$rootfs/bin" "$rootfs/home/app/www"
cp /bin/busybox "$rootfs/bin/"; ln -s busybox "$rootfs/bin/sh"
echo ok > "$rootfs/home/app/www/index.html"; echo "$start" > "$rootfs/home/app/start.sh"
umoci repack --image "$layout:img" "$BENCH_TMP/bundle"
umoci config --image "$layout:img" --config.workingdir /home/app
skopeo copy --quiet "oci:$layout:img" "oci-archive:$BENCH_TMP/img.tar:bench.local/httpd:1"
port=$(free_port)
JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN JFAAS_AUTOSCALE=false \
  "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS ${JFAAS_JAVA_OPTS:-} -jar "$root/jfaas-app/target/jfaas.jar" up \
  > "$BENCH_TMP/jfaas.log" 2>&1 & pids+=($!)
wait_port "$port"
curl -sf -u admin:bench --data-binary @"$BENCH_TMP/img.tar" "http://127.0.0.1:$port/system/images" > /dev/null
for fn in "on-host $host_dir" "from-image bench.local/httpd:1"; do
  set -- $fn
  curl -sf -u admin:bench "http://127.0.0.1:$port/system/functions" -d "{\"service\":\"$1\",\"image\":\"$2\",
    \"envProcess\":\"sh start.sh\",\"envVars\":{\"mode\":\"http\"}}" > /dev/null
done
"$JAVA_HOME/bin/java" "$here/ColdStarts.java" "http://127.0.0.1:$port" bench "$rounds" /index.html on-host from-image
