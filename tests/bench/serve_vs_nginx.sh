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
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
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
"$cli" serve --http 127.0.0.1:0 --scenario "$work/open.json" --admin-token-file "$work/admin-token" \
    --quiet > "$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
serve_url="$(sed -n 's/^listening on //p' "$work/serve.out")"
[ -n "$serve_url" ] || { cat "$work/serve.err" >&2; exit 1; }

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
ratios=(); p99s=()
for _ in $(seq "$rounds"); do
    read -r n_rps n_p99 _ < <(measure "http://127.0.0.1:$nginx_port/api/campaigns/coupon/apply")
    read -r s_rps s_p99 s_bad < <(measure "$serve_url/api/campaigns/coupon/apply")
    ratio="$(python3 -c "print(f'{100*$s_rps/$n_rps:.1f}')")"
    ratios+=("$ratio"); p99s+=("$s_p99")
    printf "  nginx %7.0f/s p99 %5.2f ms   serve %7.0f/s p99 %5.2f ms (non-2xx %s)   ratio %s %%\n" \
        "$n_rps" "$n_p99" "$s_rps" "$s_p99" "$s_bad" "$ratio"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "  median ratio $(median "${ratios[@]}") % (goal >= 70 %), median serve p99 $(median "${p99s[@]}") ms (goal <= 5 ms)"
kill -TERM "$serve_pid"; wait "$serve_pid" || true; serve_pid=""

# /metrics during a 1M spike at its own pace (10 s).
"$cli" run "$here/../../simulations/spike-1m.json" --pace realtime --metrics 127.0.0.1:0 --quiet \
    2>"$work/run.err" &
serve_pid=$!
for _ in $(seq 100); do grep -q "metrics: " "$work/run.err" 2>/dev/null && break; sleep 0.1; done
metrics_url="$(sed -n 's/^metrics: //p' "$work/run.err")"
times=()
for _ in $(seq 40); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "$metrics_url" | python3 -c 'import sys; print(f"{1000*float(sys.stdin.read()):.2f}")')")
    sleep 0.2
done
wait "$serve_pid" || true; serve_pid=""
sorted="$(printf '%s\n' "${times[@]}" | sort -n)"
echo "/metrics during the 1M spike: ${#times[@]} scrapes, median $(median "${times[@]}") ms, max $(echo "$sorted" | tail -1) ms (goal <= 10 ms)"
