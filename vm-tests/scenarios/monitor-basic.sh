#!/bin/sh
# `setkey -x` on any kernel: ADD and DELETE made by another process, and the soft and hard
# EXPIREs of an SA with short lifetimes. Environment: SETKEY, TARGET, WORK.
set -u
: "${SETKEY:?}" "${TARGET:?}"
work=${WORK:-/tmp}/setkey-monitor-basic
mkdir -p "$work"
out=$work/monitor.out
failed=0

"$SETKEY" --target "$TARGET" -F
"$SETKEY" --target "$TARGET" -x --annotate >"$out" 2>&1 &
monitor=$!
sleep 1
printf '%s\n' \
    "add 192.0.2.1 192.0.2.3 esp 0x6666 -E aes-cbc 0x000102030405060708090a0b0c0d0e0f;" \
    "delete 192.0.2.1 192.0.2.3 esp 0x6666;" \
    "add 192.0.2.1 192.0.2.2 esp 0x5555 -lh 3 -ls 1 -E aes-cbc 0x000102030405060708090a0b0c0d0e0f;" |
    "$SETKEY" --target "$TARGET" -c
sleep 5
kill -TERM "$monitor"
wait "$monitor" || { echo "FAIL monitor-basic: no clean exit on SIGTERM"; failed=1; }

# The target's kdebug_sadb layout of the ADD's SA extension and destination address.
case $TARGET in
netbsd) sa_ext="sadb_ext{ len=16 type=1 }" dst_line=" c0000203  }" ;;
linux) sa_ext="sadb_ext{ len=2 type=1 }" dst_line=" c0000203  }" ;;
*) sa_ext="sadb_ext{ len=2 type=1(SA) }" dst_line="sockaddr{ len=16 family=2 addr=192.0.2.3 }" ;;
esac
for pattern in \
    "# ADD esp spi 0x00006666 192.0.2.1 -> 192.0.2.3" \
    "# DELETE esp spi 0x00006666 192.0.2.1 -> 192.0.2.3" \
    "# EXPIRE (soft) esp spi 0x00005555" \
    "# EXPIRE (hard) esp spi 0x00005555" \
    "sadb_sa{ spi=26214 replay=" \
    "$sa_ext" \
    "$dst_line"; do
    if grep -qF -- "$pattern" "$out"; then
        echo "PASS monitor-basic: $pattern"
    else
        echo "FAIL monitor-basic: no '$pattern'"
        failed=1
    fi
done
"$SETKEY" --target "$TARGET" -F
[ "$failed" -eq 0 ] || sed 's/^/    /' "$out"
exit "$failed"
