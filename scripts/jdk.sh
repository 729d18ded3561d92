# Sourced by the launcher, the test runner and CI: points JAVA_HOME at a JDK 21 or newer.
# A JDK's major version, from its release file (no JVM started: the CLI starts through here), or by
# asking its java when it has none.
jfaas_java_major() {
  local version
  version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  if [ -z "$version" ]; then
    version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
  fi
  echo "$version"
}

jfaas_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(jfaas_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  local candidate
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(jfaas_java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(jfaas_java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "jfaas needs a JDK 21 or newer: install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME" >&2
  return 1
}

jfaas_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"

# JVM settings for the gateway: a small heap that starts smaller still keeps RSS down (SPEC §11:
# 100 MB idle, 150 MB under load); JFAAS_JAVA_OPTS comes after these, so it can override any.
# Two malloc arenas instead of one per thread: the many short-lived threads of process I/O
# otherwise leave tens of MB of glibc arenas behind. Out of memory, the gateway exits (for its
# supervisor to start it again) rather than live on with dead threads that answer nothing.
# The native heap is trimmed every 2 s: what the JIT compilers and start-up freed goes back to
# the system instead of staying in glibc's arenas (18 MB of an idle gateway's RSS here;
# experimental before JDK 22, hence the unlock). After a full collection the heap gives back
# what is more than 30 % free (70 % by default), another 5 MB of an idle gateway. Netty's buffer
# events for the flight recorder stay off: checking for them initialises JFR's Java side (~110
# classes, 1-4 MB of an idle gateway) in a process that records nothing; JFR itself still works.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JFAAS_JVM_DEFAULTS="-XX:+UseSerialGC -Xms8m -Xmx96m -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=80m \
-XX:MaxDirectMemorySize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000 \
-XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED -Dio.netty.jfr.enabled=false"
# From JDK 23 on, sun.misc.Unsafe's memory access is allowed explicitly: on JDK 25 Netty otherwise
# turns its Unsafe paths off and allocates direct buffers through the foreign linker, whose start-up
# spins ~260 classes (1-2 MB of an idle gateway, ~10 MB after load; the same throughput in an
# interleaved A/B, bench/README.md). Older JDKs allow it by default and do not know the option.
if [ "$(jfaas_java_major "$JAVA_HOME")" -ge 23 ] 2>/dev/null; then
  JFAAS_JVM_DEFAULTS="$JFAAS_JVM_DEFAULTS --sun-misc-unsafe-memory-access=allow"
  # Maven itself (its guava) would warn about the same on every build.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
