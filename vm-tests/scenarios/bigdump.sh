#!/bin/sh
# Big tables: load N SAs and N policies (default 20,000 each), check that -D and -DP list
# every one, and time it against a baseline that sends the same pre-built messages with no
# parsing (setkey --send-raw). Environment: SETKEY, TARGET, N, WORK.
set -u
: "${SETKEY:?}" "${TARGET:?}"
n=${N:-20000}
work=${WORK:-/tmp}/setkey-bigdump
mkdir -p "$work"
conf=$work/big.conf
fail=0

setkey() { "$SETKEY" --target "$TARGET" "$@"; }
now() { cut -d' ' -f1 /proc/uptime; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { d = b - a; if (d <= 0) d = 0.01; printf "%.0f", n / d }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

awk -v n="$n" 'BEGIN {
    for (i = 0; i < n; i++) {
        a = int(i / 256) % 256; b = i % 256
        printf "add 10.1.%d.%d 10.2.%d.%d esp %d -m transport -E aes-cbc 0x%032x -A hmac-sha256 0x%064x;\n", a, b, a, b, 4096 + i, i, i
        printf "spdadd 10.1.%d.%d 10.2.%d.%d any -P out ipsec esp/transport//require;\n", a, b, a, b
    }
}' >"$conf"

setkey -F; setkey -FP
setkey -n --emit-raw "$work/msgs.bin" -f "$conf" || fail=1

t0=$(now)
setkey --send-raw "$work/msgs.bin" || fail=1
t1=$(now)
setkey -F; setkey -FP
t2=$(now)
setkey -f "$conf" || fail=1
t3=$(now)
setkey -D >"$work/sad.txt" || fail=1
t4=$(now)
setkey -DP >"$work/spd.txt" || fail=1
t5=$(now)

sas=$(grep -c "^	esp mode=transport" "$work/sad.txt")
sps=$(grep -c "^	spid=" "$work/spd.txt")
msgs=$((2 * n))
if [ "$sas" -eq "$n" ]; then echo "PASS bigdump-sad ($sas SAs listed)"; else echo "FAIL bigdump-sad: $sas of $n SAs listed"; fail=1; fi
if [ "$sps" -eq "$n" ]; then echo "PASS bigdump-spd ($sps policies listed)"; else echo "FAIL bigdump-spd: $sps of $n policies listed"; fail=1; fi
base=$(rate "$msgs" "$t0" "$t1")
apply=$(rate "$msgs" "$t2" "$t3")
echo "BENCH baseline --send-raw: $msgs messages in $(elapsed "$t0" "$t1") s = $base msg/s"
echo "BENCH setkey -f:           $msgs messages in $(elapsed "$t2" "$t3") s = $apply msg/s ($(awk -v a="$apply" -v b="$base" 'BEGIN { printf "%.2f", a / b }')x the baseline)"
echo "BENCH setkey -D:           $n SAs in $(elapsed "$t3" "$t4") s = $(rate "$n" "$t3" "$t4") entries/s"
echo "BENCH setkey -DP:          $n policies in $(elapsed "$t4" "$t5") s = $(rate "$n" "$t4" "$t5") entries/s"
setkey -F; setkey -FP
exit "$fail"
