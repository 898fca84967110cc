#!/usr/bin/env bash
# Parse + validate of 10,000 mixed resources in-process (JMH, single-shot after warm-up).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/java-home.sh"
weft_find_java_home
cd "$ROOT"
JAVA_HOME="$WEFT_JAVA_HOME" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
  mvn -B -q package -DskipTests -pl bench -am >/dev/null
CP="bench/target/classes:$(ls bench/target/lib/*.jar | tr '\n' ':')"
exec "$WEFT_JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main ConfigLoadBenchmark "$@"
