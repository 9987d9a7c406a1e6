#!/usr/bin/env bash
# The README's two set-up commands:
#   installer/setup.sh run    install what is missing, build, launch on the embedded default
#   installer/setup.sh test   install what is missing, build, run every test (what CI runs)
# Incremental: configure once per preset, Ninja and ccache rebuild only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

bash installer/install-deps.sh

build() {  # preset [extra cmake arguments]
    local preset="$1"
    shift
    if [ ! -f "build/$preset/build.ninja" ] || [ $# -gt 0 ]; then
        cmake --preset "$preset" "$@" >/dev/null
    fi
    cmake --build --preset "$preset" -j "$(nproc)"
}

case "$mode" in
run)
    build release
    if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
        exec build/release/app/stampede
    fi
    echo "== No display here: running the seed-001 demo headless (100 users within 1 s,"
    echo "== stock 50, one partition, one consumer) through stampede-cli."
    build/release/app/stampede-cli run simulations/seed-001.json
    echo
    echo "To open the console, run this command again in a graphical session, or here under a"
    echo "virtual display:"
    echo "  xvfb-run -a build/release/app/stampede"
    echo "A picture of the dashboard after a run, without any display:"
    echo "  QT_QPA_PLATFORM=offscreen build/release/app/stampede --screenshot dashboard.png --scenario seed-003 --run"
    ;;
test)
    build release -DSTAMPEDE_WERROR=ON
    build tsan
    # Every parser under libFuzzer (ASan+UBSan) from its corpus and large seeds, growing inputs
    # and then at full length (tests/fuzz/run_fuzzers.sh; --nightly for the long form).
    build fuzz
    bash tests/fuzz/run_fuzzers.sh
    # Concurrency code must also be clean under ThreadSanitizer: the engine's tests again.
    ctest --preset tsan
    # Every test, last, so its summary closes the run.
    ctest --preset release
    ;;
*)
    echo "usage: installer/setup.sh run|test" >&2
    exit 2
    ;;
esac
