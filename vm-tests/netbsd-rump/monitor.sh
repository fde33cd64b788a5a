#!/bin/sh
# `setkey -x` and `setkey -x --json` on the NetBSD kernel, both in the background: they must
# see the ADD, DELETE, SPDADD and SPDFLUSH another process makes, each twice (the promiscuous
# copy first, then the broadcast one: sys/netipsec/keysock.c key_sendup_mbuf), keep running
# until SIGTERM and exit 0 then. This kernel has no packet path, so there is no ACQUIRE and
# no EXPIRE to watch here. Environment: SETKEY, WORK.
set -u
: "${SETKEY:?}"
work=${WORK:-/tmp}/setkey-monitor-netbsd
mkdir -p "$work"
failed=0
setkey() { "$SETKEY" --target netbsd "$@"; }
pass() { echo "PASS monitor-netbsd: $*"; }
fail() {
    echo "FAIL monitor-netbsd: $*"
    failed=1
}

setkey -F
setkey -FP
# Started directly, not through the function, so that $! is the monitor's own pid.
"$SETKEY" --target netbsd -x --annotate >"$work/text.out" 2>"$work/text.err" &
text_monitor=$!
"$SETKEY" --target netbsd -x --json >"$work/json.out" 2>"$work/json.err" &
json_monitor=$!
sleep 1
printf '%s\n' \
    "add 192.0.2.1 192.0.2.3 esp 0x6666 -E aes-cbc 0x000102030405060708090a0b0c0d0e0f;" \
    "delete 192.0.2.1 192.0.2.3 esp 0x6666;" \
    "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;" \
    "spdflush;" | setkey -c
sleep 1
for pid in "$text_monitor" "$json_monitor"; do
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        if wait "$pid"; then pass "exit 0 on SIGTERM (pid $pid)"; else fail "exit status $? on SIGTERM"; fi
    else
        wait "$pid"
        fail "a monitor ended before SIGTERM, status $?"
    fi
done

for summary in \
    "# ADD esp spi 0x00006666 192.0.2.1 -> 192.0.2.3" \
    "# DELETE esp spi 0x00006666 192.0.2.1 -> 192.0.2.3" \
    "# X_SPDADD 10.0.0.1 -> 10.0.0.2 out ipsec esp/transport//require" \
    "# X_SPDFLUSH"; do
    plain=$(grep -c -x -- "$summary\( (id [0-9]*)\)\{0,1\}" "$work/text.out")
    copies=$(grep -c -x -- "$summary\( (id [0-9]*)\)\{0,1\} \[promiscuous copy\]" "$work/text.out")
    if [ "$plain" -eq 1 ] && [ "$copies" -eq 1 ]; then
        pass "-x: $summary, and its promiscuous copy"
    else
        fail "-x: '$summary' seen $plain times plain, $copies times as a promiscuous copy"
    fi
done
for type in ADD DELETE X_SPDADD X_SPDFLUSH; do
    plain=$(grep -c "^{\"time\":[0-9.]*,\"type\":\"$type\"," "$work/json.out")
    copies=$(grep -c "^{\"time\":[0-9.]*,\"promiscuous_copy\":true,\"type\":\"$type\"," "$work/json.out")
    if [ "$plain" -eq 1 ] && [ "$copies" -eq 1 ]; then
        pass "-x --json: $type, and its promiscuous copy"
    else
        fail "-x --json: $type seen $plain times plain, $copies times as a promiscuous copy"
    fi
done
if [ -s "$work/text.err" ] || [ -s "$work/json.err" ]; then
    fail "the monitors wrote to stderr: $(cat "$work/text.err" "$work/json.err")"
fi
if [ "$failed" -ne 0 ]; then
    echo "----- -x output:"
    sed 's/^/    /' "$work/text.out"
    echo "----- -x --json output:"
    sed 's/^/    /' "$work/json.out"
fi
setkey -F
setkey -FP
exit "$failed"
