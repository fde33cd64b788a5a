#!/usr/bin/env bash
# Measures `setkey -n -f` on 100,000 generated statements: statements/s and peak RSS,
# next to a baseline (`wc -l` reading the same file) timed in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
cargo build --release --quiet
input=$(mktemp /tmp/setkey-bench.XXXXXX.conf)
trap 'rm -f "$input"' EXIT
python3 bench/gen.py 100000 >"$input"
echo "input: $(wc -c <"$input") bytes, 100000 statements"
measure() {
    local best=999 rss=0
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f '%e %M' -o /tmp/setkey-bench.time "$@" >/dev/null
        read -r secs kb </tmp/setkey-bench.time
        best=$(python3 -c "print(min($best, $secs))")
        rss=$kb
    done
    echo "$best $rss"
}
read -r base_s _ < <(measure wc -l "$input")
for target in netbsd freebsd linux; do
    read -r s kb < <(measure target/release/setkey -n --target "$target" -f "$input")
    python3 - "$target" "$s" "$kb" "$base_s" <<'PY'
import sys
target, s, kb, base = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = max(s, 0.001)
print(f"{target:8} {s:.3f} s  {100000 / s:,.0f} statements/s  peak RSS {kb / 1024:.1f} MiB  "
      f"({s / max(base, 0.001):.1f}x the time of wc -l on the same file)")
PY
done
