#!/usr/bin/env bash
# xDS push benchmark: an in-process control plane, 1,000 services / 10,000 endpoints, 1,000 simulated
# SotW sidecars; VirtualService apply -> last ACK (p50/p99), full push, heap after GC, CPU.
# Writes bench/results/xds-<date>[-LABEL][-separate-clients][-sidecar-scope].json. Options: --services N
# --endpoints-per-service N --clients N --clients-per-channel N --iterations N --warmup N (changes before the measured
# ones, not counted: JIT and GC settle) --clients-process same|separate ("separate" runs the simulated clients in a
# child JVM, CLIENTS_JAVA_OPTS for its heap) --sidecar-scope N (services and clients in N namespaces, each with a
# Sidecar importing only its own namespace and istio-system) --client-parse full|names (full, the default: clients
# parse every resource before ACKing, as Envoy does; names: only what they subscribe by, as runs before 2026-11-27
# run 7) --protocol sotw|delta (sotw, the default: state-of-the-world ADS, whole route configurations; delta: delta ADS,
# large route configurations through VHDS, one VirtualHost resource per virtual host, file suffix -delta) --label TEXT.
# JAVA_OPTS to override the heap. See XdsPushBenchmark.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/java-home.sh"
weft_find_java_home
cd "$ROOT"
JAVA_HOME="$WEFT_JAVA_HOME" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
  mvn -B -q package -DskipTests -pl bench -am >/dev/null
CP="bench/target/classes:$(ls bench/target/lib/*.jar | tr '\n' ':')"
exec "$WEFT_JAVA_HOME/bin/java" ${JAVA_OPTS:--Xmx3g -XX:+UseG1GC} --sun-misc-unsafe-memory-access=allow \
  --enable-native-access=ALL-UNNAMED -cp "$CP" dev.weft.bench.XdsPushBenchmark --out "$ROOT/bench/results" "$@"
