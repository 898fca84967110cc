#!/usr/bin/env bash
# Proxy benchmark: the same small HTTP backend (nginx serving a static 1 KB file) behind nothing,
# nginx, HAProxy, one Weft proxy and two Weft proxies in a row; wrk max throughput, constant-rate
# latency (our own open-loop generator on HdrHistogram), proxy CPU per 1,000 requests and RSS.
# Prints one table and writes bench/results/proxy-<date>.md and .json. Everything on 127.0.0.1.
# Options (see dev.weft.bench.proxy.ProxyBenchmark): --workers N --rows direct,nginx,haproxy,weft-1,weft-2
# --wrk-seconds S --rate RPS --latency-seconds S --rate-warmup-seconds S (default 10; 0: none)
# --strace-seconds S (also count the proxies' system calls per request, strace -f -c, over S more seconds)
# --connections C --proxy-classpath CP --out DIR
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages, installed only when missing. The services they ship must not start on install
# (they would listen on port 80 on every interface): policy-rc.d refuses, for the install only.
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "proxy-bench: installing ${need[*]} (apt-get)" >&2
  added_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  trap '[ -n "$added_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ -n "$added_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d
  added_policy=""
fi

. "$ROOT/scripts/java-home.sh"
weft_find_java_home
cd "$ROOT"
echo "proxy-bench: building the bench module" >&2
if ! JAVA_HOME="$WEFT_JAVA_HOME" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
    mvn -B -q -o package -DskipTests -pl bench -am >"$ROOT/bench/target-build.log" 2>&1; then
  tail -n 40 "$ROOT/bench/target-build.log" >&2
  echo "proxy-bench: build failed (log: bench/target-build.log)" >&2
  exit 2
fi
CP="bench/target/classes:$(ls bench/target/lib/*.jar | tr '\n' ':')"
# The harness itself (load generator, in-process control plane): a small fixed heap, so it does not
# compete with what it measures for memory; its CPU is not counted in any row.
exec "$WEFT_JAVA_HOME/bin/java" -Xms256m -Xmx512m -XX:+UseSerialGC --sun-misc-unsafe-memory-access=allow \
  --enable-native-access=ALL-UNNAMED -cp "$CP" dev.weft.bench.proxy.ProxyBenchmark \
  --java "$WEFT_JAVA_HOME/bin/java" --out "$ROOT/bench/results" "$@"
