#!/usr/bin/env bash
# The engine's speed goal as a benchmark, never a timed test: runs `stampede-cli bench` several
# times (each run measures the engine and the raw floor in one process) and prints every run's
# figures and the median ratio. Usage: tests/bench/engine_vs_floor.sh [BUILD_DIR] [RUNS]
set -euo pipefail
build="${1:-build/release}"
runs="${2:-5}"
cli="$build/app/stampede-cli"
[ -x "$cli" ] || { echo "no $cli: build the release preset first" >&2; exit 2; }
for i in $(seq "$runs"); do
    "$cli" bench --json - 2>/dev/null
done | python3 -c "$(cat <<'PY'

import json, sys, statistics
text = sys.stdin.read()
runs, dec, i = [], json.JSONDecoder(), 0
while i < len(text):
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    obj, i = dec.raw_decode(text, i)
    runs.append(obj)
for r in runs:
    e, f, q, m = r["engine_rps"], r["floor_rps"], r["ratio"], r["peak_bytes_per_request"]
    print(f"engine {e/1e6:6.2f} M/s  floor {f/1e6:6.2f} M/s  ratio {100*q:5.1f} %  peak {m:6.1f} B/request")
ratios = [r["ratio"] for r in runs]
rps = [r["engine_rps"] for r in runs]
mem = [r["peak_bytes_per_request"] for r in runs]
print(f"median: engine {statistics.median(rps)/1e6:.2f} M/s, ratio {100*statistics.median(ratios):.1f} %, "
      f"peak {statistics.median(mem):.1f} B/request  (goals: >= 3 M/s, >= 25 %, <= 150 B)")
PY
)"
