#!/bin/sh
# Big tables: load N SAs and N policies (default 20,000 each), check that -D and -DP list
# every one, and time it against a baseline that sends the same pre-built messages one at a
# time with no parsing (setkey --send-raw), measured in the same run, and against the floor the
# kernel sets: those messages sent ahead of their replies as -f sends them (--send-raw-ahead),
# which no client can beat when the kernel handles one request at a time. Each load starts on
# a fresh kernel when FRESH_KERNEL gives a command that starts one, else on databases flushed
# SETTLE seconds earlier (default 3), so that the kernel's freeing of the previous load does
# not fall in the next one's time.
# Environment: SETKEY, TARGET, N, WORK, SETTLE, FRESH_KERNEL; C_SETKEY (optional): a C setkey
# for this kernel, timed side by side on the same file (-f, -D, -DP); ROUNDS (optional): that
# many more loads of the file by the floor, setkey -f and the C setkey (when given), in an
# order that rotates from round to round, with the ratios of each round and of the means (a
# kernel whose load times swing needs several).
set -u
: "${SETKEY:?}" "${TARGET:?}"
n=${N:-20000}
settle=${SETTLE:-3}
c_setkey=${C_SETKEY:-}
work=${WORK:-/tmp}/setkey-bigdump
mkdir -p "$work"
conf=$work/big.conf
fail=0

setkey() { "$SETKEY" --target "$TARGET" "$@"; }
now() { cut -d' ' -f1 /proc/uptime; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { d = b - a; if (d <= 0) d = 0.01; printf "%.0f", n / d }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 1; printf "%.2f", a / b }'; }
fresh_kernel=${FRESH_KERNEL:-}
# Empty databases for the next timed load.
flushed() {
    if [ -n "$fresh_kernel" ]; then
        # shellcheck disable=SC2086 # a command with its arguments
        $fresh_kernel || fail=1
    else
        setkey -F
        setkey -FP
        sleep "$settle"
    fi
}
# The peak RSS in KiB of the last command run through `peak` (GNU time or busybox time).
peak() {
    if /usr/bin/time -f %M -o "$work/rss" true 2>/dev/null; then
        /usr/bin/time -f %M -o "$work/rss" "$@"
    else
        busybox time -f %M -o "$work/rss" "$@"
    fi
}

awk -v n="$n" 'BEGIN {
    for (i = 0; i < n; i++) {
        a = int(i / 256) % 256; b = i % 256
        printf "add 10.1.%d.%d 10.2.%d.%d esp %d -m transport -E aes-cbc 0x%032x -A hmac-sha256 0x%064x;\n", a, b, a, b, 4096 + i, i, i
        printf "spdadd 10.1.%d.%d 10.2.%d.%d any -P out ipsec esp/transport//require;\n", a, b, a, b
    }
}' >"$conf"
msgs=$((2 * n))

setkey -n --emit-raw "$work/msgs.bin" -f "$conf" || fail=1
# Linux loaded these SAs 3x slower before its random pool was seeded ('crng init done'):
# every timed load comes after it is.
timeout 120 head -c 1 /dev/random >/dev/null 2>&1 || echo "NOTE the kernel's random pool is not seeded: loads are slower"
t0=$(now)
setkey -n -f "$conf" || fail=1
t1=$(now)
front_s=$(elapsed "$t0" "$t1")
echo "BENCH setkey -n -f:        $msgs statements in $(elapsed "$t0" "$t1") s (parse, compile and encode only)"

flushed
t0=$(now)
setkey --send-raw "$work/msgs.bin" || fail=1
t1=$(now)
base=$(rate "$msgs" "$t0" "$t1")
echo "BENCH baseline --send-raw: $msgs messages in $(elapsed "$t0" "$t1") s = $base msg/s"

flushed
t0=$(now)
setkey --send-raw-ahead "$work/msgs.bin" || fail=1
t1=$(now)
floor=$(rate "$msgs" "$t0" "$t1")
echo "BENCH floor --send-raw-ahead: $msgs messages in $(elapsed "$t0" "$t1") s = $floor msg/s ($(ratio "$floor" "$base")x the baseline)"

flushed
t2=$(now)
setkey -f "$conf" || fail=1
t3=$(now)
peak "$SETKEY" --target "$TARGET" -D >"$work/sad.txt" || fail=1
sad_kb=$(cat "$work/rss")
t4=$(now)
peak "$SETKEY" --target "$TARGET" -DP >"$work/spd.txt" || fail=1
spd_kb=$(cat "$work/rss")
t5=$(now)

sas=$(grep -c "^	esp mode=transport" "$work/sad.txt")
sps=$(grep -c "^	spid=" "$work/spd.txt")
if [ "$sas" -eq "$n" ]; then echo "PASS bigdump-sad ($sas SAs listed)"; else echo "FAIL bigdump-sad: $sas of $n SAs listed"; fail=1; fi
if [ "$sps" -eq "$n" ]; then echo "PASS bigdump-spd ($sps policies listed)"; else echo "FAIL bigdump-spd: $sps of $n policies listed"; fail=1; fi
apply=$(rate "$msgs" "$t2" "$t3")
echo "BENCH setkey -f:           $msgs messages in $(elapsed "$t2" "$t3") s = $apply msg/s ($(ratio "$apply" "$base")x the baseline, $(ratio "$apply" "$floor")x the floor)"
echo "BENCH setkey -D:           $n SAs in $(elapsed "$t3" "$t4") s = $(rate "$n" "$t3" "$t4") entries/s, peak RSS ${sad_kb:-?} KiB"
echo "BENCH setkey -DP:          $n policies in $(elapsed "$t4" "$t5") s = $(rate "$n" "$t4" "$t5") entries/s, peak RSS ${spd_kb:-?} KiB"

if [ -n "$c_setkey" ]; then
    flushed
    t6=$(now)
    "$c_setkey" -f "$conf" >/dev/null || fail=1
    t7=$(now)
    peak "$c_setkey" -D >"$work/c-sad.txt" || fail=1
    c_sad_kb=$(cat "$work/rss")
    t8=$(now)
    peak "$c_setkey" -DP >"$work/c-spd.txt" || fail=1
    c_spd_kb=$(cat "$work/rss")
    t9=$(now)
    c_sas=$(grep -c "^	esp mode=transport" "$work/c-sad.txt")
    c_sps=$(grep -c "^	spid=" "$work/c-spd.txt")
    [ "$c_sas" -eq "$n" ] && [ "$c_sps" -eq "$n" ] || echo "NOTE the C setkey listed $c_sas SAs and $c_sps policies of $n"
    c_apply=$(rate "$msgs" "$t6" "$t7")
    c_sad=$(rate "$n" "$t7" "$t8")
    c_spd=$(rate "$n" "$t8" "$t9")
    echo "BENCH C setkey -f:         $msgs messages in $(elapsed "$t6" "$t7") s = $c_apply msg/s (setkey -f: $(ratio "$apply" "$c_apply")x the C setkey; the floor: $(ratio "$floor" "$c_apply")x, the most any client reaches on this kernel)"
    echo "BENCH C setkey -D:         $n SAs in $(elapsed "$t7" "$t8") s = $c_sad entries/s, peak RSS ${c_sad_kb:-?} KiB (setkey -D: $(ratio "$(rate "$n" "$t3" "$t4")" "$c_sad")x)"
    echo "BENCH C setkey -DP:        $n policies in $(elapsed "$t8" "$t9") s = $c_spd entries/s, peak RSS ${c_spd_kb:-?} KiB (setkey -DP: $(ratio "$(rate "$n" "$t4" "$t5")" "$c_spd")x)"
fi
rounds=${ROUNDS:-0}
if [ "$rounds" -gt 0 ]; then
    sum() { awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'; }
    mean() { awk -v total="$1" -v n="$rounds" 'BEGIN { printf "%.2f", total / n }'; }
    # One timed load on empty databases by `floor` (the pre-built messages sent ahead),
    # `ours` (setkey -f) or `c` (the C setkey's -f); its seconds in `loaded` (not printed: a
    # fresh kernel's start prints, and a subshell would lose `fail`).
    load() {
        flushed
        l0=$(now)
        case $1 in
            floor) setkey --send-raw-ahead "$work/msgs.bin" || fail=1 ;;
            ours) setkey -f "$conf" >/dev/null || fail=1 ;;
            c) "$c_setkey" -f "$conf" >/dev/null || fail=1 ;;
        esac
        l1=$(now)
        loaded=$(elapsed "$l0" "$l1")
    }
    tools="floor ours"
    [ -n "$c_setkey" ] && tools="$tools c"
    floor_total=0 ours_total=0 c_total=0 c_s=0
    for round in $(seq "$rounds"); do
        # The order rotates from round to round: a kernel whose speed drifts, or that is
        # slower for each load after the first, would otherwise favour one of them each time.
        order=$tools
        for _ in $(seq $(((round - 1) % $(echo "$tools" | wc -w)))); do
            order="${order#* } ${order%% *}"
        done
        for tool in $order; do
            load "$tool"
            case $tool in
                floor) floor_s=$loaded floor_total=$(sum "$floor_total" "$loaded") ;;
                ours) ours_s=$loaded ours_total=$(sum "$ours_total" "$loaded") ;;
                c) c_s=$loaded c_total=$(sum "$c_total" "$loaded") ;;
            esac
        done
        report="BENCH round $round ($order): floor $floor_s s, setkey -f $ours_s s ($(ratio "$floor_s" "$ours_s")x the floor)"
        [ -n "$c_setkey" ] && report="$report, C setkey -f $c_s s (setkey -f: $(ratio "$c_s" "$ours_s")x the C setkey)"
        echo "$report"
    done
    summary="BENCH rounds: means of $rounds rotated rounds: floor $(mean "$floor_total") s, setkey -f $(mean "$ours_total") s ($(ratio "$floor_total" "$ours_total")x the floor; the floor plus -n -f: $(sum "$(mean "$floor_total")" "$front_s") s)"
    [ -n "$c_setkey" ] && summary="$summary, C setkey -f $(mean "$c_total") s (setkey -f: $(ratio "$c_total" "$ours_total")x the C setkey; the floor: $(ratio "$c_total" "$floor_total")x)"
    echo "$summary"
fi
setkey -F; setkey -FP
exit "$fail"
