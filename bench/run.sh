#!/usr/bin/env bash
# Measures `setkey -n -f` on 100,000 generated statements (statements/s and peak RSS, with
# the C setkey's 270,000 statements/s on this machine as the yardstick), and the monitor's
# rendering of 1,000,000 recorded messages. `cargo bench` has the in-process benchmark with
# a baseline measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
input=$(mktemp /tmp/setkey-bench.XXXXXX.conf)
trap 'rm -f "$input"' EXIT
python3 bench/gen.py 100000 >"$input"
echo "input: $(wc -c <"$input") bytes, 100000 statements"
for target in netbsd freebsd linux; do
    read -r best median kb < <(python3 bench/measure.py 11 target/release/setkey -n --target "$target" -f "$input")
    python3 - "$target" "$best" "$median" "$kb" <<'PY'
import sys
target, best, median, kb = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
for label, s in (("best", best), ("median", median)):
    rate = 100000 / s
    print(f"{target:8} {label:6} {s:.3f} s  {rate:,.0f} statements/s ({rate / 270000:.2f}x the C setkey)")
print(f"{target:8} peak RSS {kb / 1024:.1f} MiB (C setkey: 35 MiB)")
PY
done

# A script where every statement is wrong: each error is explained and printed.
bad=$(mktemp /tmp/setkey-bench.XXXXXX.conf)
trap 'rm -f "$input" "$bad"' EXIT
python3 -c 'for i in range(20000): print(f"add 10.0.{i // 256 % 256}.{i % 256} 10.1.0.1 espp 0x{i:x} -E null;")' >"$bad"
read -r best _ kb < <(python3 bench/measure.py --status=1 5 target/release/setkey -n --target netbsd -f "$bad")
python3 -c "import sys; s = float(sys.argv[1]); print(f'errors   20,000 malformed statements reported in {s:.3f} s ({20000 / s:,.0f}/s), peak RSS {int(sys.argv[2]) / 1024:.1f} MiB')" "$best" "$kb"

# Monitor rendering: decode and print 1,000,000 recorded messages (setkey -x --replay).
raw=$(mktemp /tmp/setkey-bench.XXXXXX.bin)
trap 'rm -f "$input" "$bad" "$raw"' EXIT
target/release/setkey -n --target linux --emit-raw "$raw" -f "$input"
for _ in 1 2 3 4 5 6 7 8 9; do cat "$raw"; done >"$raw.all" && cat "$raw" >>"$raw.all" && mv "$raw.all" "$raw"
for mode in "" "--json"; do
    # shellcheck disable=SC2086 # $mode is empty or one flag
    read -r s _ kb < <(python3 bench/measure.py 3 target/release/setkey -x --target linux --replay "$raw" $mode)
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
