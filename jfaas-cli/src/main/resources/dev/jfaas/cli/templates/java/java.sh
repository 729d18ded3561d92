#!/bin/sh
# Runs the function on a Java 21 or newer (the jfaas SDK needs one), found here rather than written
# into stack.yml: $JAVA_HOME's, else the newest JDK under /usr/lib/jvm, else the java on the PATH.
# It starts from the archive jfaas build made, if this JDK can use it: the AOT cache (JDK 25+),
# else the class data sharing archive. Only shell builtins until the exec: each program run here
# would add milliseconds to every cold start (nine of them added 40 ms in the sandbox).
version() { # the major version in the release file of the JDK at $1, read without starting it
  v=0
  [ -f "$1/release" ] || return
  while IFS= read -r line; do
    case $line in
      JAVA_VERSION=*) v=${line#JAVA_VERSION=\"}; v=${v%%[!0-9]*}; return ;;
    esac
  done < "$1/release"
}
home=; best=0
if [ -n "${JAVA_HOME:-}" ]; then
  version "$JAVA_HOME"; [ "${v:-0}" -ge 21 ] && home=$JAVA_HOME best=$v
fi
if [ -z "$home" ]; then
  for dir in /usr/lib/jvm/*; do
    [ -x "$dir/bin/java" ] || continue
    version "$dir"
    if [ "${v:-0}" -gt "$best" ]; then home=$dir best=$v; fi
  done
fi
if [ "$best" -lt 21 ] && command -v java > /dev/null; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  version "$home"; best=${v:-0}
fi
if [ "$best" -lt 21 ]; then
  echo "no Java 21 or newer: install one (apt-get install openjdk-21-jdk-headless) or set JAVA_HOME" >&2
  exit 1
fi
if [ "$best" -ge 25 ] && [ -f target/app.aot ]; then
  exec "$home/bin/java" -XX:AOTCache=target/app.aot -Xlog:aot=off -Xlog:cds=off "$@"
elif [ -f target/app.jsa ]; then
  exec "$home/bin/java" -XX:SharedArchiveFile=target/app.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off "$@"
fi
exec "$home/bin/java" "$@"
