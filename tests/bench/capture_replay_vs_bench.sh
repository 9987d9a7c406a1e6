#!/usr/bin/env bash
# The replay's speed goals as a benchmark, never a timed test, back to back in one script:
#  1. `stampede-cli bench` (the engine's own throughput), then a 1,000,000-request capture
#     (spike-1m recorded) replayed with --rate max: the replay's rps against the bench's.
#  2. a 50,000 requests/s capture (constant rate for 2 s) replayed at its original timing:
#     the lateness p50/p99/max against the schedule.
# Usage: tests/bench/capture_replay_vs_bench.sh [BUILD_DIR]
set -euo pipefail
build="${1:-build/release}"
cli="$build/app/stampede-cli"
[ -x "$cli" ] || { echo "no $cli: build the release preset first" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
lscpu | sed -n 's/^Model name: *//p'
echo "$(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"

"$cli" run simulations/spike-1m.json --pace asap --record "$work/spike-1m.ndjson" --quiet \
    --json "$work/recorded.json"
"$cli" bench --json "$work/bench.json" >/dev/null 2>&1
"$cli" replay "$work/spike-1m.ndjson" --scenario simulations/spike-1m.json --rate max --quiet \
    --json "$work/replay-max.json"

cat > "$work/50k.json" <<'JSON'
{"name": "50,000 requests/s for 2 s", "seed": 7,
 "campaigns": [{"id": "c", "name": "c", "stock": 10000, "policy": "FIRST_COME"}],
 "arrivals": [{"campaign": "c", "profile": "constant", "rps": 50000, "over_ms": 2000}],
 "run": {"pipeline": "decide-in-worker", "guard": "atomic", "transport": "inproc",
         "workers": 1, "partitions": 1}}
JSON
"$cli" run "$work/50k.json" --pace asap --record "$work/50k.ndjson" --quiet --json /dev/null
"$cli" replay "$work/50k.ndjson" --scenario "$work/50k.json" --quiet --json "$work/replay-50k.json"
# The same with no worker threads (sync decides on the submitting thread): the replayer's own
# timing, without the workers' spinning competing for the processors.
"$cli" replay "$work/50k.ndjson" --scenario "$work/50k.json" --pipeline sync --quiet \
    --json "$work/replay-50k-sync.json"

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
rec = json.load(open(f"{w}/recorded.json"))
bench = json.load(open(f"{w}/bench.json"))
mx = json.load(open(f"{w}/replay-max.json"))
t = json.load(open(f"{w}/replay-50k.json"))
ts = json.load(open(f"{w}/replay-50k-sync.json"))
r = mx["replay"]
print(f"bench: engine {bench['engine_rps']/1e6:.2f} M/s (floor {bench['floor_rps']/1e6:.2f} M/s)")
print(f"replay --rate max: {r['sent']} requests in {r['wall_s']:.2f} s = {r['rps']/1e6:.2f} M/s "
      f"= {100*r['rps']/bench['engine_rps']:.1f} % of bench (goal >= 50 %)")
print(f"  same requests as recorded: {mx['requests'] == rec['requests']}, "
      f"issued {mx['issued']} (recorded run {rec['issued']})")
l = t["replay"]["lateness_ms"]
print(f"replay at 50,000/s original timing: {t['replay']['sent']} sent in {t['replay']['wall_s']:.2f} s, "
      f"lateness p50 {l['p50']:.3f} ms, p99 {l['p99']:.3f} ms, max {l['max']:.3f} ms (goal p99 <= 1 ms)")
l = ts["replay"]["lateness_ms"]
print(f"  the same with --pipeline sync: lateness p50 {l['p50']:.3f} ms, p99 {l['p99']:.3f} ms, "
      f"max {l['max']:.3f} ms")
print(f"  the run itself at full speed: engine throughput {mx['throughput_rps']/1e6:.2f} M/s "
      f"({mx['replay']['path']})")
PY
