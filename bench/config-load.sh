#!/usr/bin/env bash
# Parse + validate of 10,000 mixed resources in-process.
#   bench/config-load.sh          thread CPU time and wall clock, medians (steady on a loaded machine)
#   bench/config-load.sh --jmh    the same under JMH (single-shot after warm-up), extra args go to JMH
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/java-home.sh"
weft_find_java_home
cd "$ROOT"
JAVA_HOME="$WEFT_JAVA_HOME" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
  mvn -B -q package -DskipTests -pl bench -am >/dev/null
CP="bench/target/classes:$(ls bench/target/lib/*.jar | tr '\n' ':')"
if [ "${1:-}" = "--jmh" ]; then
  shift
  exec "$WEFT_JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main ConfigLoadBenchmark "$@"
fi
exec "$WEFT_JAVA_HOME/bin/java" -Xmx2g -cp "$CP" dev.weft.bench.ConfigLoadCpuTime 10000 15
