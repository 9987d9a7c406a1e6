#!/usr/bin/env bash
# The HTTP ingress's speed goals as a benchmark, never a timed test (issue: "HTTP ingress").
#  - apply: `wrk -t2 -c100` with a distinct user per request against `stampede-cli serve`
#    (POST /api/campaigns/coupon/apply, the engine deciding each one) and, in turn with the same
#    settings, against nginx with one worker answering `return 202` with a body of the same size.
#    Pairs run back to back, several rounds; the figure is the median ratio (goal >= 70 %) and
#    serve's p99 (goal <= 5 ms at 100 connections).
#  - /metrics: scrape times during a realtime 1M spike under `run --metrics` (goal <= 10 ms).
# Usage: tests/bench/serve_vs_nginx.sh [BUILD_DIR] [ROUNDS] [SECONDS]
set -euo pipefail
build="${1:-build/release}"
rounds="${2:-5}"
seconds="${3:-5}"
cli="$build/app/stampede-cli"
[ -x "$cli" ] || { echo "no $cli: build the release preset first" >&2; exit 2; }
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null || { echo "no $tool: run installer/install-deps.sh" >&2; exit 2; }
done
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
nginx_port=$((20000 + RANDOM % 20000))
serve_pid=""
serve_pids=()
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
    for pid in "${serve_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"

# nginx: one worker, the answer serve gives to a new apply (same status, about the same bytes).
mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  default_type application/json;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 202 '{"requestId":123456,"campaignId":"coupon","userId":"1-123456","state":"REJECTED","reason":"SOLD_OUT","duplicate":false,"statusUrl":"/api/requests/123456"}'; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx.conf" -e "$work/nginx/error.log"

# serve: one FIRST_COME campaign, decided at the ingress with the atomic guard.
cat > "$work/open.json" <<'JSON'
{"name": "serve bench", "seed": 1,
 "campaigns": [{"id": "coupon", "name": "Coupon", "stock": 100000, "policy": "FIRST_COME"}],
 "arrivals": [{"campaign": "coupon", "profile": "spike", "users": 1, "over_ms": 1}],
 "run": {"pipeline": "decide-at-ingress", "guard": "atomic", "transport": "inproc",
         "workers": 1, "partitions": 1}}
JSON
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/admin-token"
# Two servers, one per pipeline: sync (the ingress decides and answers) and decide-at-ingress
# (seed 002's: decided at the ingress, persisted through the queue by a worker).
serve_pids=()
start_serve() {  # PIPELINE: sets serve_url
    "$cli" serve --http 127.0.0.1:0 --scenario "$work/open.json" --pipeline "$1" \
        --admin-token-file "$work/admin-token" --quiet > "$work/serve-$1.out" 2>"$work/serve-$1.err" &
    serve_pids+=($!)
    for _ in $(seq 100); do grep -q listening "$work/serve-$1.out" 2>/dev/null && break; sleep 0.1; done
    serve_url="$(sed -n 's/^listening on //p' "$work/serve-$1.out")"
}
start_serve sync; sync_url="$serve_url"
start_serve decide-at-ingress; dai_url="$serve_url"
[ -n "$sync_url" ] && [ -n "$dai_url" ] || { cat "$work"/serve-*.err >&2; exit 1; }

# A distinct user per request, per thread.
cat > "$work/apply.lua" <<'LUA'
local n = 0
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("id", threads) end
request = function()
  n = n + 1
  return wrk.format("POST", "/api/campaigns/coupon/apply",
                    {["Content-Type"] = "application/json"},
                    '{"userId":"' .. id .. '-' .. n .. '-' .. math.random(1e9) .. '"}')
end
LUA

measure() {  # URL -> "RPS P99_MS NON2XX"
    wrk -t2 -c100 -d"${seconds}s" --latency -s "$work/apply.lua" "$1" > "$work/wrk.txt"
    python3 - "$work/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", t)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
print(f"{rps:.0f} {p99:.2f} {bad.group(1) if bad else 0}")
PY
}

echo "apply: wrk -t2 -c100 -d${seconds}s, a distinct user per request; serve vs nginx 'return 202', $rounds rounds"
sync_ratios=(); dai_ratios=(); sync_p99=(); dai_p99=()
for _ in $(seq "$rounds"); do
    read -r n_rps n_p99 _ < <(measure "http://127.0.0.1:$nginx_port/api/campaigns/coupon/apply")
    read -r a_rps a_p99 a_bad < <(measure "$sync_url/api/campaigns/coupon/apply")
    read -r b_rps b_p99 b_bad < <(measure "$dai_url/api/campaigns/coupon/apply")
    a_ratio="$(python3 -c "print(f'{100*$a_rps/$n_rps:.1f}')")"
    b_ratio="$(python3 -c "print(f'{100*$b_rps/$n_rps:.1f}')")"
    sync_ratios+=("$a_ratio"); dai_ratios+=("$b_ratio"); sync_p99+=("$a_p99"); dai_p99+=("$b_p99")
    printf "  nginx %7.0f/s p99 %5.2f ms | sync %7.0f/s p99 %5.2f ms %5s %% | decide-at-ingress %7.0f/s p99 %5.2f ms %5s %% (non-2xx %s, %s)\n" \
        "$n_rps" "$n_p99" "$a_rps" "$a_p99" "$a_ratio" "$b_rps" "$b_p99" "$b_ratio" "$a_bad" "$b_bad"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "  sync:              median ratio $(median "${sync_ratios[@]}") % (goal >= 70 %), median p99 $(median "${sync_p99[@]}") ms (goal <= 5 ms)"
echo "  decide-at-ingress: median ratio $(median "${dai_ratios[@]}") %, median p99 $(median "${dai_p99[@]}") ms"
for pid in "${serve_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${serve_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
serve_pids=()

# /metrics during a 1M spike at its own pace (10 s).
"$cli" run "$here/../../simulations/spike-1m.json" --pace realtime --metrics 127.0.0.1:0 --quiet \
    2>"$work/run.err" &
serve_pid=$!
for _ in $(seq 100); do grep -q "metrics: " "$work/run.err" 2>/dev/null && break; sleep 0.1; done
metrics_url="$(sed -n 's/^metrics: //p' "$work/run.err")"
times=()
while kill -0 "$serve_pid" 2>/dev/null; do  # until the spike is over
    t="$(curl -s -o /dev/null -w '%{time_total}' "$metrics_url" 2>/dev/null || true)"
    [ -n "$t" ] && [ "$t" != "0.000000" ] && times+=("$(python3 -c "print(f'{1000*$t:.2f}')")")
    sleep 0.2
done
wait "$serve_pid" || true; serve_pid=""
sorted="$(printf '%s\n' "${times[@]}" | sort -n)"
echo "/metrics during the 1M spike: ${#times[@]} scrapes, median $(median "${times[@]}") ms, max $(echo "$sorted" | tail -1) ms (goal <= 10 ms)"
