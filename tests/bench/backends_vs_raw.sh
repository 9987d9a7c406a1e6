#!/usr/bin/env bash
# The live backends' speed goals as benchmarks, never timed tests. Each pair runs back to back
# on this machine, ours against the raw tool, several rounds; the median ratio is the figure.
#  - redis-lua: `stampede-cli run` deciding every request with the guard, C workers (one
#    connection each, unpipelined) vs `redis-benchmark -c C -P 1 EVALSHA` of the same script on
#    the same throwaway redis-server (goal: >= 70 %);
#  - mysql-atomic: bench_mysql_guard (the guard vs a bare prepared-UPDATE loop, same connections,
#    a throwaway mariadbd; goal >= 70 %);
#  - kafka: the 1M spike end to end through the embedded mock cluster (goal >= 300,000 req/s),
#    next to the same run on the in-memory rings.
# Usage: tests/bench/backends_vs_raw.sh [BUILD_DIR] [ROUNDS] [CONNECTIONS]
set -euo pipefail
build="${1:-build/release}"
rounds="${2:-3}"
conns="${3:-4}"
cli="$build/app/stampede-cli"
[ -x "$cli" ] || { echo "no $cli: build the release preset first" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
cleanup() {
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# --- redis-lua vs redis-benchmark -------------------------------------------------------------
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    --daemonize yes --logfile "$work/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
# The same decrement script as engine/backends/redis/redis_guard.cpp (kTakeScript).
script="local r = tonumber(redis.call('GET', KEYS[1]) or '0') if r <= 0 then return 0 end redis.call('DECR', KEYS[1]) return 1"
sha="$(redis-cli -p "$port" SCRIPT LOAD "$script")"
users=100000
python3 - "$here/../../simulations/seed-003.json" "$work/redis.json" "$users" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
n = int(sys.argv[3])
s["name"] = "redis bench"
s["campaigns"][0]["stock"] = n          # every request decides with a successful DECR
s["arrivals"][0]["users"] = n
json.dump(s, open(sys.argv[2], "w"))
PY
echo "redis-lua vs redis-benchmark EVALSHA, $conns connections, unpipelined, $users requests:"
ratios=()
for _ in $(seq "$rounds"); do
    redis-cli -p "$port" SET benchkey 1000000000 >/dev/null
    raw="$(redis-benchmark -p "$port" -c "$conns" -n "$users" -P 1 --csv EVALSHA "$sha" 1 benchkey \
        | tail -1 | cut -d, -f2 | tr -d '"')"
    "$cli" run "$work/redis.json" --guard redis-lua --redis "redis://127.0.0.1:$port" \
        --workers "$conns" --partitions "$conns" --pace asap --quiet --json "$work/ours.json"
    ours="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["throughput_rps"])' "$work/ours.json")"
    ratio="$(python3 -c "print(f'{100*$ours/$raw:.1f}')")"
    ratios+=("$ratio")
    printf "  redis-benchmark %8.0f/s   redis-lua guard %8.0f/s   ratio %s %%\n" "$raw" "$ours" "$ratio"
done
printf "  median ratio %s %% (goal >= 70 %%)\n" \
    "$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true

# --- mysql-atomic vs a bare client loop --------------------------------------------------------
if [ -x "$build/tests/bench/bench_mysql_guard" ]; then
    echo "mysql-atomic vs a bare prepared-UPDATE loop, 8 connections:"
    for _ in $(seq "$rounds"); do
        "$build/tests/bench/bench_mysql_guard" --connections 8 --requests 40000 | sed 's/^/  /'
    done
fi

# --- kafka end to end ----------------------------------------------------------------------------
echo "kafka transport, 1M spike end to end (embedded mock cluster) vs the in-memory rings:"
for _ in $(seq "$rounds"); do
    "$cli" run "$here/../../simulations/spike-1m.json" --transport kafka --pace asap --quiet \
        --json "$work/kafka.json"
    "$cli" run "$here/../../simulations/spike-1m.json" --pace asap --quiet --json "$work/inproc.json"
    python3 - "$work/kafka.json" "$work/inproc.json" <<'PY'
import json, sys
k, i = (json.load(open(p)) for p in sys.argv[1:3])
t = k["transport_stats"]
print(f"  kafka {k['throughput_rps']:10.0f} req/s (issued {k['issued']}, over {k['over_issued']}, "
      f"lead max {t['max_lead']}/{t['lead_bound']}, lost {t['lost_messages']})   "
      f"inproc {i['throughput_rps']:10.0f} req/s   (goal >= 300,000)")
PY
done
