#!/usr/bin/env bash
# The replay's speed goals as a benchmark, never a timed test, back to back in one script:
#  1. `stampede-cli bench` (the engine's own throughput), then a 1,000,000-request capture
#     (spike-1m recorded) replayed with --rate max: the replay's rps against the bench's.
#  2. a 50,000 requests/s capture (constant rate for 2 s) replayed at its original timing:
#     the lateness p50/p99/max against the schedule.
#     The replay's time is reading the capture and the run, the run timed as bench times it.
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
# Three pairs, bench then replay back to back; the ratio is each pair's, and the median is said.
# The replay runs the configuration bench ran (its workers, one partition each), so that the two
# figures differ by the replay's own work: reading the capture and planning it.
for pair in 1 2 3; do
    "$cli" bench --json "$work/bench-$pair.json" >/dev/null 2>&1
    workers="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['workers'])" \
        "$work/bench-$pair.json")"
    "$cli" replay "$work/spike-1m.ndjson" --scenario simulations/spike-1m.json --rate max \
        --quiet --workers "$workers" --partitions "$workers" --json "$work/replay-max-$pair.json"
done

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
t = json.load(open(f"{w}/replay-50k.json"))
ts = json.load(open(f"{w}/replay-50k-sync.json"))
ratios = []
for pair in (1, 2, 3):
    bench = json.load(open(f"{w}/bench-{pair}.json"))
    mx = json.load(open(f"{w}/replay-max-{pair}.json"))
    r = mx["replay"]
    ratio = 100 * r['rps'] / bench['engine_rps']
    ratios.append(ratio)
    print(f"pair {pair}: bench engine {bench['engine_rps']/1e6:.2f} M/s (floor "
          f"{bench['floor_rps']/1e6:.2f} M/s); replay --rate max {r['sent']} requests in "
          f"{r['wall_s']:.3f} s = {r['rps']/1e6:.2f} M/s = {ratio:.1f} % of bench")
    print(f"        (reading + run, the run timed as bench times its own; with the engine's set-up "
          f"and end-of-run audit, which bench leaves out too: {r['total_s']:.3f} s = "
          f"{r['sent']/r['total_s']/1e6:.2f} M/s); the run alone {mx['throughput_rps']/1e6:.2f} M/s")
    print(f"        same requests as recorded: {mx['requests'] == rec['requests']}, "
          f"issued {mx['issued']} (recorded run {rec['issued']})")
print(f"replay --rate max: median {sorted(ratios)[1]:.1f} % of bench (goal >= 50 %)")
l = t["replay"]["lateness_ms"]
print(f"replay at 50,000/s original timing: {t['replay']['sent']} sent in {t['replay']['wall_s']:.2f} s, "
      f"lateness p50 {l['p50']:.3f} ms, p99 {l['p99']:.3f} ms, max {l['max']:.3f} ms (goal p99 <= 1 ms)")
l = ts["replay"]["lateness_ms"]
print(f"  the same with --pipeline sync: lateness p50 {l['p50']:.3f} ms, p99 {l['p99']:.3f} ms, "
      f"max {l['max']:.3f} ms")
PY
