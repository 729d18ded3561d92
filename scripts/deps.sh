# Sourced by ./jfaas, ./run-tests and CI: installs what jfaas needs from Debian's packages when it
# is missing (as root, or through sudo), and starts the local brokers the tests talk to. So the
# README's two commands set up a bare Debian/Ubuntu machine by themselves.

# jfaas_install CHECK:PACKAGE...: a CHECK is a command on the PATH, or an absolute path.
jfaas_install() {
  local missing=() spec check
  for spec in "$@"; do
    check=${spec%%:*}
    if [[ $check == /* ]]; then [ -e "$check" ] && continue; else command -v "$check" >/dev/null 2>&1 && continue; fi
    missing+=("${spec#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local run=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      run=(sudo -n)
    else
      echo "jfaas needs these Debian packages: sudo apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "installing ${missing[*]} (apt-get)..." >&2
  "${run[@]}" apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# What building and running a gateway needs: a C compiler with static libc for the sandbox's two
# programs, bubblewrap for every replica, nftables for replicas' networks (as root), skopeo and
# umoci for OCI images, Maven to build.
jfaas_runtime_packages() {
  local libc=/usr/lib/x86_64-linux-gnu/libc.a
  [ "$(uname -m)" = aarch64 ] && libc=/usr/lib/aarch64-linux-gnu/libc.a
  local needs=(mvn:maven cc:gcc "$libc:libc6-dev" skopeo:skopeo umoci:umoci)
  [ "${JFAAS_SANDBOX:-bwrap}" = none ] || needs+=(bwrap:bubblewrap)
  # Only root gives replicas links to the host, behind nftables rules.
  [ "$(id -u)" = 0 ] && needs+=(nft:nftables)
  jfaas_install "${needs[@]}"
}

# What the tests need besides: the brokers they talk to, python3 and node for functions, busybox
# and a registry for images, Chromium for the portal's browser tests.
jfaas_test_packages() {
  jfaas_runtime_packages && jfaas_install python3:python3 nats-server:nats-server redis-server:redis-server \
    /bin/busybox:busybox-static docker-registry:docker-registry htpasswd:apache2-utils /usr/bin/node:nodejs \
    /usr/bin/chromium:chromium /usr/bin/chromedriver:chromium-driver rabbitmq-server:rabbitmq-server mosquitto:mosquitto
}

jfaas_listening() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

jfaas_wait_for() { # $1 = port
  for _ in $(seq 300); do jfaas_listening "$1" && return 0; sleep 0.1; done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

# Starts the brokers the tests use (NATS with JetStream, Redis, RabbitMQ, Mosquitto) where they are down.
jfaas_start_brokers() {
  if ! jfaas_listening 4222; then
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
    jfaas_wait_for 4222
  fi
  if ! jfaas_listening 6379; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    jfaas_wait_for 6379
  fi
  if ! jfaas_listening 5672; then
    rabbitmq-server -detached >/dev/null 2>&1
    jfaas_wait_for 5672
  fi
  if ! jfaas_listening 1883; then
    mosquitto -d -c /etc/mosquitto/mosquitto.conf
    jfaas_wait_for 1883
  fi
}
