#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, from a corpus seeded with the
# project's own scripts and recorded kernel messages; exits non-zero on the first crash,
# leak, timeout or out-of-memory, whose input libFuzzer leaves in fuzz/artifacts/TARGET/.
# Usage: fuzz/run.sh SECONDS [TARGET...]      (needs a nightly toolchain and cargo-fuzz)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(script decode roundtrip replay)

build_log=$(mktemp)
if ! cargo +nightly fuzz build --release >"$build_log" 2>&1; then
    tail -n 40 "$build_log"
    echo "FAIL fuzz build"
    exit 1
fi
rm -f "$build_log"
python3 seed.py
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    echo "== fuzz $target for ${seconds}s"
    log=$(mktemp)
    if ! cargo +nightly fuzz run --release "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "FAIL fuzz $target: see fuzz/artifacts/$target/"
        exit 1
    fi
    grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$log" | sed "s/^/  /"
    grep -E '^Done [0-9]+ runs' "$log" | sed "s/^/  /"
    rm -f "$log"
done
