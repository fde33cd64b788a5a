#!/bin/sh
# `setkey -x` and `setkey -x --json` on the NetBSD kernel, both in the background: they must
# see the ADD, DELETE, SPDADD and SPDFLUSH another process makes, each twice (the promiscuous
# copy first, then the broadcast one: sys/netipsec/keysock.c key_sendup_mbuf), keep running
# until SIGTERM and exit 0 then. This kernel has no packet path, so no packet causes an
# ACQUIRE and there is no EXPIRE to watch here; an ACQUIRE a program sends is traced with
# --config (below). Environment: SETKEY, WORK.
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
# NetBSD's kdebug_sadb (key_debug.c 1.14): extension lengths in bytes, addresses in
# ipsec_hexdump groups right before `  }`, no policy priority; every message after its
# printdate() line.
for line in \
    "sadb_msg{ version=2 type=3 errno=0 satype=3" \
    "sadb_ext{ len=16 type=1 }" \
    "sadb_sa{ spi=26214 replay=" \
    "sockaddr{ len=16 family=2 port=0" \
    " c0000203  }" \
    "sadb_x_policy{ type=2 dir=2 id=" \
    " { len=8 proto=50 mode=1 level=2 reqid=0"; do
    if grep -qF -- "$line" "$work/text.out"; then
        pass "-x kdebug text: $line"
    else
        fail "-x kdebug text: no '$line'"
    fi
done
if grep -q "^sadb_x_policy{ .*priority" "$work/text.out"; then
    fail "-x kdebug text: a priority in NetBSD's sadb_x_policy line"
fi
stamps=$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{6\} $' "$work/text.out")
messages=$(grep -c '^sadb_msg{ ' "$work/text.out")
if [ "$stamps" -ge "$messages" ] && [ "$messages" -ge 8 ]; then
    pass "-x: a time line before each of the $messages messages"
else
    fail "-x: $stamps time lines for $messages messages"
fi
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

# -x --config: this kernel has no packet path, but a program may send an ACQUIRE (key.c
# key_acquire2): the kernel then makes one of its own, without a policy, and passes the
# program's on, both to registered sockets only. Neither carries a policy id, so both are
# traced by selector; the spdadd's id comes from -v, on a line of its own.
cat >"$work/policies.conf" <<'CONF'
# Policies of the ACQUIRE test.
spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;
spdadd 192.0.2.1 192.0.2.77 any -P out ipsec esp/transport//require;
CONF
"$SETKEY" --target netbsd -x --register esp --config "$work/policies.conf" \
    >"$work/config.out" 2>"$work/config.err" &
config_monitor=$!
sleep 1
echo "spdadd 192.0.2.1 192.0.2.77 any -P out ipsec esp/transport//require;" |
    setkey -v -c >"$work/spdadd-v.out"
# SADB_ACQUIRE (esp) 192.0.2.1 -> 192.0.2.77 with an empty proposal, as NetBSD lays it out.
src='\003\000\005\000\377\040\000\000\020\002\000\000\300\000\002\001\000\000\000\000\000\000\000\000'
dst='\003\000\006\000\377\040\000\000\020\002\000\000\300\000\002\115\000\000\000\000\000\000\000\000'
# shellcheck disable=SC2059 # the format holds the bytes
printf "\002\006\000\003\011\000\000\000\001\000\000\000\000\000\000\000$src$dst\001\000\015\000\000\000\000\000" \
    >"$work/acquire.bin"
# No reply comes to an unregistered sender: --send-raw would wait for one.
timeout 2 "$SETKEY" --target netbsd --send-raw "$work/acquire.bin" >/dev/null 2>&1
sleep 1
kill -TERM "$config_monitor"
wait "$config_monitor" || fail "-x --config: exit status $? on SIGTERM"
if grep -qx '# policy: (stdin):1 (kernel policy id [0-9]*, -P out)' "$work/spdadd-v.out"; then
    pass "-v: $(grep '^# policy: ' "$work/spdadd-v.out")"
else
    fail "-v: no '# policy: (stdin):1 (kernel policy id N, -P out)' line"
    sed 's/^/    /' "$work/spdadd-v.out"
fi
traced=$(grep -c -x "# policy: $work/policies.conf:3 (by selector; no policy id)" "$work/config.out")
acquires=$(grep -c '^sadb_msg{ version=2 type=6 ' "$work/config.out")
# Each comes plain and as a promiscuous copy; every one must be traced.
if [ "$acquires" -ge 2 ] && [ "$traced" -eq "$acquires" ]; then
    pass "-x --config: $acquires ACQUIREs (the kernel's and the program's), each traced to policies.conf:3 by selector"
else
    fail "-x --config: $acquires ACQUIREs, $traced traced to policies.conf:3 by selector"
    sed 's/^/    /' "$work/config.out" "$work/config.err"
fi
setkey -F
setkey -FP
exit "$failed"
