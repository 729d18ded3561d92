#!/usr/bin/env bash
# Event triggers (issue #17): messages/s from NATS (a JetStream stream) and from MQTT (QoS 1) into a
# no-op function through the gateway, each as a ratio to the same broker's raw publish rate measured
# in the same run (interleaved: raw, jfaas, raw). Each message becomes a durable async call (fsync'd)
# that a worker runs, so the ratio prices the whole path: delivery, the queue's write, the call, the ack.
#   [QUEUE_INFLIGHT=16] [JFAAS_DURABILITY=full] bench/triggers.sh [count=5000]   (NATS at 127.0.0.1:4222, Mosquitto at 127.0.0.1:1883)
set -euo pipefail
count=${1:-5000}
. "$(dirname "$0")/lib.sh" nginx curl
jar="$root/jfaas-app/target/jfaas.jar"
nats=nats://127.0.0.1:4222
mqtt=mqtt://127.0.0.1:1883
port=$(free_port)
stream=benchtrig$$
rate() { "$JAVA_HOME/bin/java" -cp "$jar" "$here/TriggerRate.java" "$@"; }

JFAAS_PORT=$port JFAAS_DATA="$BENCH_TMP/jfaas" JFAAS_BASIC_AUTH_PASSWORD=bench JFAAS_LOG_LEVEL=WARN \
JFAAS_QUEUE_MAX_INFLIGHT=${QUEUE_INFLIGHT:-16} JFAAS_DURABILITY=${JFAAS_DURABILITY:-full} JFAAS_TRIGGERS="$nats,$mqtt" "$JAVA_HOME/bin/java" $JFAAS_JVM_DEFAULTS -jar "$jar" up >> "$BENCH_TMP/jfaas.log" 2>&1 &
pids+=($!)
wait_port "$port"
# The function's JetStream stream, made before the function subscribes to its subject.
cat > "$BENCH_TMP/Stream.java" <<JAVA
public class Stream { public static void main(String[] a) throws Exception {
  try (var nc = io.nats.client.Nats.connect("$nats")) { var jsm = nc.jetStreamManagement();
    if (a[0].equals("add")) jsm.addStream(io.nats.client.api.StreamConfiguration.builder().name("$stream").subjects("$stream.in")
        .storageType(io.nats.client.api.StorageType.File).build()); else jsm.deleteStream("$stream"); } } }
JAVA
"$JAVA_HOME/bin/java" -cp "$jar" "$BENCH_TMP/Stream.java" add
trap '"$JAVA_HOME/bin/java" -cp "$jar" "$BENCH_TMP/Stream.java" delete >/dev/null 2>&1 || true; cleanup' EXIT
for fn in natsnoop mqttnoop; do
  topic=$([ $fn = natsnoop ] && echo "nats:$stream.in" || echo "mqtt:bench/$$")
  curl -sf -u admin:bench -X POST "http://127.0.0.1:$port/system/functions" -d "{\"service\":\"$fn\",\"image\":\"$here\",
  \"envProcess\":\"sh start-function.sh\",\"envVars\":{\"mode\":\"http\",\"BENCH_TMP\":\"$BENCH_TMP\"},
  \"labels\":{\"com.openfaas.scale.min\":\"1\",\"com.openfaas.scale.max\":\"1\"},\"annotations\":{\"topic\":\"$topic\"}}"
done
until [ "$(curl -s -u admin:bench "http://127.0.0.1:$port/system/triggers" | grep -o '"state":"subscribed' | wc -l)" = 2 ]; do sleep 0.2; done
for fn in natsnoop mqttnoop; do
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/function/$fn")" = 200 ]; do sleep 0.1; done
done

raw1=$(rate nats "$nats" "benchraw$$.a" "$count" raw)
through=$(rate nats "$nats" "$stream.in" "$count" jfaas "$port" natsnoop)
raw2=$(rate nats "$nats" "benchraw$$.b" "$count" raw)
printf "NATS JetStream: raw publish %8.0f and %8.0f msg/s; through jfaas into the function %8.0f msg/s\n" "$raw1" "$raw2" "$through"
awk -v t="$through" -v a="$raw1" -v b="$raw2" 'BEGIN {printf "ratio NATS %.2f\n", t/((a+b)/2)}'

# Mosquitto keeps at most max_queued_messages (1000 by default) for a subscriber that has not
# acknowledged them and drops the rest, even at QoS 1: the MQTT burst stays under it.
mqtt_count=$(( count < 900 ? count : 900 ))
raw1=$(rate mqtt "$mqtt" "benchraw/$$" "$mqtt_count" raw)
through=$(rate mqtt "$mqtt" "bench/$$" "$mqtt_count" jfaas "$port" mqttnoop)
raw2=$(rate mqtt "$mqtt" "benchraw/$$" "$mqtt_count" raw)
printf "MQTT QoS 1:     raw publish %8.0f and %8.0f msg/s; through jfaas into the function %8.0f msg/s\n" "$raw1" "$raw2" "$through"
awk -v t="$through" -v a="$raw1" -v b="$raw2" 'BEGIN {printf "ratio MQTT %.2f\n", t/((a+b)/2)}'
