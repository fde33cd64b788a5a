#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, as many at once as there are
# processors, from a corpus seeded with the project's own scripts and recorded kernel
# messages. Exits non-zero if any target stops on a crash, leak, timeout or out-of-memory;
# libFuzzer leaves that input in fuzz/artifacts/TARGET/ (copy it to fuzz/regressions/TARGET/
# to keep it as a test). Needs a nightly toolchain and cargo-fuzz.
# Usage: fuzz/run.sh SECONDS [TARGET...]     (FUZZ_JOBS: targets at once, default nproc)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(script decode roundtrip replay)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

if ! cargo +nightly fuzz build --release >"$logs/build" 2>&1; then
    tail -n 40 "$logs/build"
    echo "FAIL fuzz build"
    exit 1
fi
python3 seed.py

fuzz_one() {
    local target=$1
    mkdir -p "corpus/$target"
    cargo +nightly fuzz run --release "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$logs/$target" 2>&1
}

status=0
report() {
    local target=$1 rc=$2
    if [ "$rc" -ne 0 ]; then
        tail -n 60 "$logs/$target"
        echo "FAIL fuzz $target: the input is in fuzz/artifacts/$target/"
        status=1
        return
    fi
    local done_line rss runs
    done_line=$(grep -E '^#[0-9]+.*DONE' "$logs/$target" | tail -n 1 || true)
    runs=$(grep -E 'stat::number_of_executed_units' "$logs/$target" | awk '{print $2}' || true)
    rss=$(grep -E 'stat::peak_rss_mb' "$logs/$target" | awk '{print $2}' || true)
    echo "PASS fuzz $target ${seconds}s: $runs runs, ${done_line#*DONE } peak_rss_mb: $rss"
}

jobs_at_once=${FUZZ_JOBS:-$(nproc)}
for ((i = 0; i < ${#targets[@]}; i += jobs_at_once)); do
    batch=("${targets[@]:i:jobs_at_once}")
    pids=()
    for target in "${batch[@]}"; do
        echo "== fuzz $target for ${seconds}s"
        fuzz_one "$target" &
        pids+=($!)
    done
    for k in "${!batch[@]}"; do
        rc=0
        wait "${pids[$k]}" || rc=$?
        report "${batch[$k]}" "$rc"
    done
done
exit "$status"
