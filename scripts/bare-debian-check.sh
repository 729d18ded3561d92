#!/usr/bin/env bash
# Checks the README's set-up on a bare Debian 12 (a debootstrap minbase chroot, as root): with
# only a JDK 21+ copied in (Debian 12's apt has none), `./jfaas up` installs what it needs from
# apt, builds, starts, and a deployed function answers. A chroot cannot make user namespaces, so
# the gateway runs with JFAAS_SANDBOX=none there; the sandbox itself is what the test suite checks.
#   scripts/bare-debian-check.sh [suite=bookworm] [mirror=http://deb.debian.org/debian]
set -euo pipefail
suite=${1:-bookworm}; mirror=${2:-http://deb.debian.org/debian}
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and chroot)" >&2; exit 1; }
. "$here/scripts/deps.sh"
. "$here/scripts/jdk.sh"
jfaas_install debootstrap:debootstrap curl:curl
root=$(mktemp -d /tmp/jfaas-bare.XXXXXX)
gateway=
cleanup() {
  [ -n "$gateway" ] && kill -- -"$gateway" 2>/dev/null || true
  sleep 1
  for m in dev/pts dev sys proc; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$root.debootstrap.log" 2>&1 \
  || { echo "debootstrap failed: $root.debootstrap.log" >&2; exit 1; }
mkdir -p "$root/usr/lib/jvm"
# -L: a packaged JDK links its certificates to the system store its package brought (ca-certificates-java)
cp -aL "$JAVA_HOME" "$root/usr/lib/jvm/"
git clone -q "$here" "$root/root/jfaas"
cp /etc/resolv.conf "$root/etc/resolv.conf"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$root/$m"; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "bare $suite in $root: ./jfaas up on port $port (installs, builds: minutes)"
setsid chroot "$root" /bin/bash -c "cd /root/jfaas && JFAAS_PORT=$port JFAAS_BASIC_AUTH_PASSWORD=bare JFAAS_SANDBOX=none ./jfaas up" \
  > "$root.up.log" 2>&1 &
gateway=$!
for _ in $(seq 600); do
  curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break
  kill -0 "$gateway" 2>/dev/null || { echo "./jfaas up ended: $root.up.log" >&2; tail -5 "$root.up.log" >&2; exit 1; }
  sleep 1
done
grep -m1 '^installing' "$root.up.log" || true
curl -sf -u admin:bare -X POST "http://127.0.0.1:$port/system/functions" -d '{"service":"rev","image":"local/rev","envProcess":"rev"}'
for _ in $(seq 50); do
  answer=$(curl -s -d 'hello bare debian' "http://127.0.0.1:$port/function/rev") && [ "$answer" = "naibed erab olleh" ] && break
  sleep 0.2
done
[ "$answer" = "naibed erab olleh" ] || { echo "the function answered: $answer" >&2; exit 1; }
echo "ok: a bare $suite set itself up with ./jfaas up and a function answered"
