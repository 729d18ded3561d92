#!/bin/sh
# Runs the function on a Java 21 or newer (the jfaas SDK needs one), found here rather than written
# into stack.yml: $JAVA_HOME's, else the newest JDK under /usr/lib/jvm, else the java on the PATH.
# A JDK's version is read from its release file, so looking costs no JVM start.
version() {
  home=$(dirname "$(dirname "$(readlink -f "$1")")")
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null
}
for java in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV) "$(command -v java)"; do
  [ -x "$java" ] || continue
  v=$(version "$java")
  if [ "${v:-0}" -ge 21 ] 2>/dev/null; then
    exec "$java" "$@"
  fi
done
echo "no Java 21 or newer: install one (apt-get install openjdk-21-jdk-headless) or set JAVA_HOME" >&2
exit 1
