#!/usr/bin/env bash
# Wall clock of `./weft validate -f <one small file>` including JVM start: median of N runs,
# with the launcher's AOT cache and, for comparison in the same run, without it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${1:-$ROOT/samples/bookinfo/networking/virtual-service-reviews-90-10.yaml}"
RUNS="${RUNS:-21}"
"$ROOT/weft" validate -f "$FILE" >/dev/null || true   # build + train the AOT cache first

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  local i s e
  for ((i = 0; i < RUNS; i++)); do
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    echo $(((e - s) / 1000000))
  done | median
}
with_aot=$(measure "$ROOT/weft" validate -f "$FILE")
without_aot=$(WEFT_JVM_OPTS="-XX:AOTMode=off" measure "$ROOT/weft" validate -f "$FILE")
echo "weft validate (one small file), median of $RUNS runs: ${with_aot} ms with AOT cache, ${without_aot} ms without"
