#!/usr/bin/env bash
# Runs every libFuzzer target of the fuzz preset (build/fuzz) from its corpus: the shipped
# scenarios and tests/fuzz/corpus/<target>, plus the large seeds of large_seeds.py. Each target
# spends two thirds of its time growing inputs as libFuzzer does by default, then one third with
# -len_control=0 (mutating at full length at once), so inputs of tens of kilobytes and more are
# really tried; the largest input each corpus reached is printed.
#
#   tests/fuzz/run_fuzzers.sh            the short form CI runs (about 1.5 minutes)
#   tests/fuzz/run_fuzzers.sh --nightly  an hour a target, inputs up to 1 MiB
#
# The short form's times: STAMPEDE_FUZZ_SECONDS (the scenario parser, default 30) and
# STAMPEDE_FUZZ_CAPTURE_SECONDS (each other target, default 10). A crash stops the script with
# libFuzzer's exit status; the crashing input is left as crash-* in the working directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

scenario_seconds="${STAMPEDE_FUZZ_SECONDS:-30}"
other_seconds="${STAMPEDE_FUZZ_CAPTURE_SECONDS:-10}"
max_len=65536
if [ "${1:-}" = "--nightly" ]; then
    scenario_seconds=3600
    other_seconds=3600
    max_len=1048576
elif [ -n "${1:-}" ]; then
    echo "usage: tests/fuzz/run_fuzzers.sh [--nightly]" >&2
    exit 2
fi

bin=build/fuzz/tests/fuzz
work=build/fuzz
for target in scenario http_request capture_ndjson capture_gor capture_har capture_access_log \
    capture_alb capture_k6; do
    mkdir -p "$work/corpus_$target"
done
# Copied, not pointed at: libFuzzer adds what it finds to the first corpus directory.
cp simulations/*.json "$work/corpus_scenario/"
for target in http_request capture_ndjson capture_gor capture_har capture_access_log capture_alb \
    capture_k6; do
    cp tests/fuzz/corpus/$target/* "$work/corpus_$target/"
done
python3 tests/fuzz/large_seeds.py "$work/corpus_scenario" "$work/corpus_capture_ndjson" \
    "$work/corpus_capture_gor"

largest() {  # the size of the largest file in a corpus directory
    find "$1" -type f -printf '%s\n' | sort -n | tail -n 1
}

once() {  # target seconds [libFuzzer options]: the last lines, or all that matters of a crash
    local target="$1" seconds="$2"
    shift 2
    local log="$work/fuzz_$target.log" rc=0
    "$bin/fuzz_$target" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 \
        -print_final_stats=1 "$@" "$work/corpus_$target" >"$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -n 80 "$log"
        echo "== fuzz_$target FAILED (exit $rc); the input is the crash-*/leak-*/timeout-* file" >&2
        exit "$rc"
    fi
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" | tr '\n' ' '
    echo
}

fuzz() {  # target seconds
    local target="$1" seconds="$2"
    local grow=$((seconds * 2 / 3)) full=$((seconds - seconds * 2 / 3))
    echo "== fuzz_$target: ${grow} s growing, then ${full} s at full length (-max_len=$max_len)"
    once "$target" "$grow"
    once "$target" "$full" -len_control=0
    echo "== fuzz_$target: largest input in its corpus $(largest "$work/corpus_$target") bytes"
}

fuzz scenario "$scenario_seconds"
for target in http_request capture_ndjson capture_gor capture_har capture_access_log \
    capture_alb capture_k6; do
    fuzz "$target" "$other_seconds"
done
