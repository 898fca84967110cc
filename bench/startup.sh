#!/usr/bin/env bash
# Start time of `weft up` (command -> product page 200 through the gateway) and of one sidecar
# joining the running mesh (`weft run`), N times, medians, with CPU seconds per process kind.
#   bench/startup.sh                      # 1 warm-up + 5 measured weft up runs, 5 weft run sidecars
#   bench/startup.sh --runs 3 --sidecar-runs 3 --label "my change"
# Writes bench/results/startup-<date>-<time>.json. Needs python3 and a built tree (./weft builds it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/weft" --version >/dev/null   # build (and train the CLI's AOT cache) when sources changed
exec python3 "$ROOT/bench/startup.py" "$@"
