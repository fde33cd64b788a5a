#!/bin/sh
# Records the kernel's raw -D and -DP replies for a varied set of SAs and policies, and prints
# them as hex between markers; `VM_RECORD=1 run.sh` saves them under tests/data/linux/, where
# tests/format_recorded.rs renders them. Environment: SETKEY, WORK.
set -u
: "${SETKEY:?}"
work=${WORK:-/tmp}/setkey-record
mkdir -p "$work"
setkey() { "$SETKEY" --target linux "$@"; }

setkey -F; setkey -FP
cat /vm-tests/scenarios/host-transport/setup.conf /vm-tests/scenarios/tunnel-gateway/setup.conf \
    /vm-tests/scenarios/ipv6-icmp6/setup.conf /vm-tests/scenarios/unique-reqids/setup.conf \
    /vm-tests/scenarios/ipcomp/setup.conf >"$work/all.conf"
cat >>"$work/all.conf" <<'CONF'
add 192.0.2.1 192.0.2.2 esp 0x7001 -m tunnel -u 7 -r 32 -lh 3600 -ls 2880 -bh 1000000 -bs 800000
	-E aes-ctr 0x0102030405060708090a0b0c0d0e0f1011121314
	-A hmac-sha512 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40;
spdadd 10.0.0.0/24[any] 10.0.1.0/24[443] tcp -P out prio high + 5 ipsec esp/transport//require;
spdadd 10.0.0.1 10.0.0.2 icmp 8,0 -P out discard;
CONF
# Some SAs repeat across the scenarios; the kernel refuses the copies, which is fine here.
setkey -f "$work/all.conf" >/dev/null 2>&1
setkey -D --record "$work/sad.bin" >/dev/null
setkey -DP --record "$work/spd.bin" >/dev/null
for name in sad spd; do
    echo "----- BEGIN-HEX linux/$name.bin"
    od -An -tx1 -v "$work/$name.bin"
    echo "----- END-HEX"
done
setkey -F; setkey -FP
