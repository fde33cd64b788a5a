#!/usr/bin/env bash
# Measures `setkey -n -f` on 100,000 generated statements: wall time, CPU time (all threads)
# and peak RSS, with the C setkey's 270,000 statements/s on this machine as the yardstick,
# and instructions per statement counted by callgrind on a 20,000-statement file (when
# valgrind is installed); then the monitor's rendering of 1,000,000 recorded messages.
# `cargo bench` has the in-process benchmark with a baseline measured in the same run.
#
# C_SETKEY=COMMAND (optional): a C setkey measured side by side on the same files (-n -f: wall,
# CPU, peak RSS, instructions). It is run as `$C_SETKEY -n -f FILE` and must be able to open
# PF_KEY, as the C setkey registers with the kernel even with -n: on a host without it, a
# wrapper that gives it one (the rump shim of vm-tests/netbsd-rump, for instance).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
input=$(mktemp /tmp/setkey-bench.XXXXXX.conf)
small=$(mktemp /tmp/setkey-bench.XXXXXX.conf)
trap 'rm -f "$input" "$small"' EXIT
python3 bench/gen.py 100000 >"$input"
python3 bench/gen.py 20000 >"$small"
echo "input: $(wc -c <"$input") bytes, 100000 statements"
report() {
    python3 - "$@" <<'PY'
import sys
label, best, median, kb, cpu = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
for what, s in (("best", best), ("median", median)):
    rate = 100000 / s
    print(f"{label:8} {what:6} {s:.3f} s  {rate:,.0f} statements/s ({rate / 270000:.2f}x the C setkey's yardstick)")
print(f"{label:8} CPU    {cpu:.3f} s  ({cpu / 100000 * 1e6:.2f} us per statement), peak RSS {kb / 1024:.1f} MiB")
PY
}
# Instructions per statement: callgrind's total for the 20,000-statement file, less that of
# a one-statement file (start-up), over 20,000; every process the command starts is counted.
instructions() {
    command -v valgrind >/dev/null || { echo "?"; return; }
    local out one total
    out=$(mktemp -d /tmp/setkey-bench.XXXXXX)
    head -n 1 "$small" >"$out/one.conf"
    for f in one small; do
        local file=$out/one.conf
        [ "$f" = small ] && file=$small
        valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$out/$f.%p" \
            "$@" "$file" >/dev/null 2>&1 || true
    done
    one=$(cat "$out"/one.* | awk '/^summary:/ { s += $2 } END { print s + 0 }')
    total=$(cat "$out"/small.* | awk '/^summary:/ { s += $2 } END { print s + 0 }')
    rm -rf "$out"
    awk -v a="$total" -v b="$one" 'BEGIN { printf "%.0f", (a - b) / 19999 }'
}
for target in netbsd freebsd linux; do
    read -r best median kb cpu < <(python3 bench/measure.py 11 target/release/setkey -n --target "$target" -f "$input")
    report "$target" "$best" "$median" "$kb" "$cpu"
done
ours_ir=$(instructions target/release/setkey -n --target linux -f)
echo "linux    instructions per statement (callgrind): $ours_ir"
if [ -n "${C_SETKEY:-}" ]; then
    # shellcheck disable=SC2086 # C_SETKEY may be a command with arguments
    read -r best median kb cpu < <(python3 bench/measure.py 11 $C_SETKEY -n -f "$input")
    report "C setkey" "$best" "$median" "$kb" "$cpu"
    # shellcheck disable=SC2086
    c_ir=$(instructions $C_SETKEY -n -f)
    echo "C setkey instructions per statement (callgrind): $c_ir"
    # Per core: each tool on one processor (with taskset), in alternating rounds so that a
    # busy moment of the machine falls on both alike; the least CPU time of each counts.
    pin=()
    command -v taskset >/dev/null && pin=(taskset -c 0)
    ours_cpu=() c_cpu=()
    for _ in 1 2 3 4 5; do
        read -r _ _ _ cpu < <(python3 bench/measure.py 3 "${pin[@]}" target/release/setkey -n --target linux -f "$input")
        ours_cpu+=("$cpu")
        # shellcheck disable=SC2086
        read -r _ _ _ cpu < <(python3 bench/measure.py 3 "${pin[@]}" $C_SETKEY -n -f "$input")
        c_cpu+=("$cpu")
    done
    python3 -c "import sys; o, c = (min(map(float, s.split())) for s in sys.argv[1:]); print(f'per core: setkey -n -f uses {o:.3f} s of CPU, the C setkey {c:.3f} s: {c / o:.2f}x (one processor each, least of 15 runs in 5 alternating rounds)')" "${ours_cpu[*]}" "${c_cpu[*]}"
fi

# A script where every statement is wrong: each error is explained and printed.
bad=$(mktemp /tmp/setkey-bench.XXXXXX.conf)
trap 'rm -f "$input" "$small" "$bad"' EXIT
python3 -c 'for i in range(20000): print(f"add 10.0.{i // 256 % 256}.{i % 256} 10.1.0.1 espp 0x{i:x} -E null;")' >"$bad"
read -r best _ kb _ < <(python3 bench/measure.py --status=1 5 target/release/setkey -n --target netbsd -f "$bad")
python3 -c "import sys; s = float(sys.argv[1]); print(f'errors   20,000 malformed statements reported in {s:.3f} s ({20000 / s:,.0f}/s), peak RSS {int(sys.argv[2]) / 1024:.1f} MiB')" "$best" "$kb"

# Monitor rendering: decode and print 1,000,000 recorded messages (setkey -x --replay).
raw=$(mktemp /tmp/setkey-bench.XXXXXX.bin)
trap 'rm -f "$input" "$small" "$bad" "$raw"' EXIT
target/release/setkey -n --target linux --emit-raw "$raw" -f "$input"
for _ in 1 2 3 4 5 6 7 8 9; do cat "$raw"; done >"$raw.all" && cat "$raw" >>"$raw.all" && mv "$raw.all" "$raw"
for mode in "" "--json"; do
    # shellcheck disable=SC2086 # $mode is empty or one flag
    read -r s _ kb _ < <(python3 bench/measure.py 3 target/release/setkey -x --target linux --replay "$raw" $mode)
    python3 - "$s" "$kb" "${mode:-text}" "$raw" <<'PY'
import os, sys
s, kb, mode, path = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
data = open(path, "rb").read()
count, off = 0, 0
while off + 16 <= len(data):
    off += int.from_bytes(data[off + 4:off + 6], "little") * 8
    count += 1
s = max(s, 0.001)
print(f"monitor {mode:5} {count:,} messages in {s:.2f} s = {count / s:,.0f} messages/s, peak RSS {kb / 1024:.1f} MiB")
PY
done
